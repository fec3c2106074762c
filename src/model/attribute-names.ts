/**
 * Attribute names: the OpenTelemetry GenAI semantic conventions, which moved
 * from semantic-conventions (last there in v1.41) to
 * open-telemetry/semantic-conventions-genai (schema URL
 * https://opentelemetry.io/schemas/gen-ai/1.42.0, see GENAI_SCHEMA_URL), plus
 * OpenClaw's own ids under `openclaw.*`. One list so every stream's builder
 * names things the same way. test/unit/export/genai-conformance.test.ts checks
 * every gen_ai.* key sent against the conventions' registry.
 */
export const GENAI_SCHEMA_URL = 'https://opentelemetry.io/schemas/gen-ai/1.42.0';

export const ATTR = {
  genAiOperationName: 'gen_ai.operation.name',
  genAiProviderName: 'gen_ai.provider.name',
  genAiRequestModel: 'gen_ai.request.model',
  genAiResponseModel: 'gen_ai.response.model',
  genAiUsageInputTokens: 'gen_ai.usage.input_tokens',
  genAiUsageOutputTokens: 'gen_ai.usage.output_tokens',
  genAiUsageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  genAiUsageCacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  genAiUsageReasoningTokens: 'gen_ai.usage.reasoning.output_tokens',
  genAiToolName: 'gen_ai.tool.name',
  genAiToolCallId: 'gen_ai.tool.call.id',
  genAiToolType: 'gen_ai.tool.type',
  genAiAgentId: 'gen_ai.agent.id',
  genAiAgentName: 'gen_ai.agent.name',
  genAiConversationId: 'gen_ai.conversation.id',
  /** Seconds from the request to the first chunk of the streamed response. */
  genAiResponseTimeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  /** Set (true) only when the request streamed; unset means not streaming. */
  genAiRequestStream: 'gen_ai.request.stream',
  errorType: 'error.type',
  httpResponseStatusCode: 'http.response.status_code',
  httpRequestMethod: 'http.request.method',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  openclawRunId: 'openclaw.run.id',
  openclawSessionId: 'openclaw.session.id',
  openclawSessionKey: 'openclaw.session.key',
  openclawChannel: 'openclaw.channel',
  openclawCallId: 'openclaw.call.id',
  openclawCostUsd: 'openclaw.cost.usd',
  openclawMessageId: 'openclaw.message.id',
  openclawLane: 'openclaw.lane',
  openclawApi: 'openclaw.api',
  openclawHarnessId: 'openclaw.harness.id',
  openclawOutcome: 'openclaw.outcome',
  openclawAttempt: 'openclaw.attempt',
  openclawSpanIncomplete: 'openclaw.span.incomplete',
  openclawTraceIncomplete: 'openclaw.trace.incomplete',
  openclawSynthesized: 'openclaw.span.synthesized',
  /** The role a paired device was approved for (`operator`, ...). */
  openclawDeviceRole: 'openclaw.device.role',
  openclawSource: 'openclaw.source',
} as const;

/** `gen_ai.operation.name` values used here. */
export const GEN_AI_OPERATION = {
  chat: 'chat',
  textCompletion: 'text_completion',
  embeddings: 'embeddings',
  executeTool: 'execute_tool',
  invokeAgent: 'invoke_agent',
} as const;

/**
 * OpenClaw's `api` id → gen_ai.operation.name. Every chat-style API maps to
 * `chat`; unknown APIs are chat too (OpenClaw's agent runtime only speaks chat).
 */
export function operationForApi(api: string | undefined): string {
  if (api !== undefined && api.includes('embedding')) return GEN_AI_OPERATION.embeddings;
  return GEN_AI_OPERATION.chat;
}

/**
 * OpenClaw provider id → gen_ai.provider.name well-known value where one
 * exists; custom providers keep OpenClaw's id.
 */
const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  openai: 'openai',
  'openai-codex': 'openai',
  anthropic: 'anthropic',
  google: 'gcp.gemini',
  'google-vertex': 'gcp.vertex_ai',
  'amazon-bedrock': 'aws.bedrock',
  bedrock: 'aws.bedrock',
  'azure-openai': 'azure.ai.openai',
  mistral: 'mistral_ai',
  groq: 'groq',
  deepseek: 'deepseek',
  xai: 'x_ai',
  perplexity: 'perplexity',
  cohere: 'cohere',
};

export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

/** `agent:<agentId>:<rest>` → agentId. */
export function agentIdFromSessionKey(sessionKey: string | undefined): string | undefined {
  if (sessionKey === undefined || !sessionKey.startsWith('agent:')) return undefined;
  const end = sessionKey.indexOf(':', 6);
  const id = end === -1 ? sessionKey.slice(6) : sessionKey.slice(6, end);
  return id.length > 0 ? id : undefined;
}

/**
 * Message content of model calls and tool executions (GenAI conventions), set by
 * reconstruct/event-content-attributes.ts only when a writer merged OpenClaw's private content
 * into the events; whether it leaves is export's choice (`--capture-content`).
 */
export const CONTENT_ATTR = {
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  systemInstructions: 'gen_ai.system_instructions',
  toolDefinitions: 'gen_ai.tool.definitions',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
} as const;

/** Every content attribute the reconstructor can set: the export side drops or cuts exactly these. */
export const CONTENT_ATTRIBUTE_NAMES: readonly string[] = Object.values(CONTENT_ATTR);
