import { CONTENT_ATTR } from '../model/attribute-names.js';
import type { SpanAttributes } from '../model/span-record.js';
import { readObject } from './event-fields.js';
import type { EventFields } from './event-fields.js';

/**
 * Message content of model calls and tool executions, as GenAI semantic
 * convention attributes (JSON strings, the form the convention gives for
 * backends without structured attributes).
 *
 * OpenClaw 2026.9.6 never puts content in a diagnostic event: it hands it to
 * trusted in-process listeners as a separate private-data argument,
 * `modelContent {inputMessages, outputMessages, systemPrompt, toolDefinitions}`
 * on `model.call.*` and `toolContent {toolInput, toolOutput}` on
 * `tool.execution.completed|error`, and only when `diagnostics.otel.captureContent`
 * is on. A writer that merges that argument into the event it writes is what
 * this reads. Whether any of it leaves is the export side's choice
 * (`--capture-content`): it drops or cuts exactly CONTENT_ATTRIBUTE_NAMES
 * (model/attribute-names.ts), the only names this file sets.
 */

/** gen_ai.input/output.messages, system instructions and tool definitions of a model call. */
export function modelContentAttributes(sources: readonly EventFields[], into: SpanAttributes): void {
  const contents = sources.map((fields) => readObject(fields, 'modelContent'));
  set(into, CONTENT_ATTR.inputMessages, messagesJson(first(contents, 'inputMessages'), false));
  set(into, CONTENT_ATTR.outputMessages, messagesJson(first(contents, 'outputMessages'), true));
  const systemPrompt = first(contents, 'systemPrompt');
  set(into, CONTENT_ATTR.systemInstructions, typeof systemPrompt === 'string' && systemPrompt !== '' ? JSON.stringify([{ type: 'text', content: systemPrompt }]) : undefined);
  set(into, CONTENT_ATTR.toolDefinitions, toolDefinitionsJson(first(contents, 'toolDefinitions')));
}

/** gen_ai.tool.call.arguments and .result of a tool execution. */
export function toolContentAttributes(sources: readonly EventFields[], into: SpanAttributes): void {
  const contents = sources.map((fields) => readObject(fields, 'toolContent'));
  set(into, CONTENT_ATTR.toolCallArguments, valueText(first(contents, 'toolInput')));
  set(into, CONTENT_ATTR.toolCallResult, valueText(first(contents, 'toolOutput')));
}

/** The first content object that has `key` (a start and its end repeat the input). */
function first(contents: readonly (EventFields | undefined)[], key: string): unknown {
  for (const content of contents) {
    const value = content?.[key];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

function set(into: SpanAttributes, key: string, value: string | undefined): void {
  if (value !== undefined && value !== '') into[key] = value;
}

/** A string as it is, anything else as JSON. */
function valueText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * OpenClaw's messages (its agent runtime's: `{role: user|assistant|toolResult,
 * content: string | [{type: text|thinking|toolCall|image, ...}], stopReason?}`)
 * in the convention's shape (`{role, parts: [{type: text|tool_call|tool_call_response, ...}],
 * finish_reason}`), so backends can show them. Anything of another shape is
 * kept as it is: a message OpenClaw adds later is still exported, just not reshaped.
 */
function messagesJson(value: unknown, output: boolean): string | undefined {
  if (!Array.isArray(value)) return valueText(value);
  return JSON.stringify(value.map((message) => semconvMessage(message, output)));
}

const ROLES: Readonly<Record<string, string>> = { user: 'user', assistant: 'assistant', toolResult: 'tool', system: 'system', developer: 'system' };
const FINISH_REASONS: Readonly<Record<string, string>> = { stop: 'stop', length: 'length', toolUse: 'tool_call', error: 'error' };

function semconvMessage(message: unknown, output: boolean): unknown {
  if (!isRecord(message) || typeof message.role !== 'string') return message;
  const parts = message.role === 'toolResult'
    ? [{ type: 'tool_call_response', id: stringOrNull(message.toolCallId), response: toolResponse(message.content) }]
    : contentParts(message.content);
  const converted: Record<string, unknown> = { role: ROLES[message.role] ?? message.role, parts };
  if (output) {
    const reason = typeof message.stopReason === 'string' ? message.stopReason : 'stop';
    converted.finish_reason = FINISH_REASONS[reason] ?? reason;
  }
  return converted;
}

function contentParts(content: unknown): unknown[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  const parts: unknown[] = [];
  for (const item of content) {
    const part = semconvPart(item);
    if (part !== undefined) parts.push(part);
  }
  return parts;
}

function semconvPart(item: unknown): unknown {
  if (typeof item === 'string') return { type: 'text', content: item };
  if (!isRecord(item) || typeof item.type !== 'string') return undefined;
  switch (item.type) {
    case 'text':
      return typeof item.text === 'string' ? { type: 'text', content: item.text } : item;
    case 'toolCall':
      return { type: 'tool_call', id: stringOrNull(item.id), name: item.name, arguments: item.arguments ?? null };
    // OpenClaw's own exporter leaves provider-internal thinking out of captured content; so does this.
    case 'thinking':
    case 'redacted_thinking':
      return undefined;
    // The bytes stay behind: base64 images would fill any size limit before the text that matters.
    case 'image':
      return typeof item.mimeType === 'string' ? { type: 'image', mime_type: item.mimeType } : { type: 'image' };
    default:
      return item;
  }
}

/** A tool result's text when it is only text, else its parts. */
function toolResponse(content: unknown): unknown {
  if (typeof content === 'string') return content;
  const parts = contentParts(content);
  if (parts.length > 0 && parts.every((part) => isRecord(part) && part.type === 'text' && typeof part.content === 'string')) {
    return parts.map((part) => (part as { content: string }).content).join('\n');
  }
  return parts;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Tool definitions (`{name, description, parameters}`) as the convention's function definitions. */
function toolDefinitionsJson(value: unknown): string | undefined {
  if (!Array.isArray(value)) return valueText(value);
  return JSON.stringify(value.map((tool) => (isRecord(tool) && typeof tool.type !== 'string' ? { type: 'function', ...tool } : tool)));
}
