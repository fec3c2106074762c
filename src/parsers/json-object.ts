/** A JSON object (not null, not an array): the only shape a record or event line can have. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value when it is a non-empty string. */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Copies the ids OpenClaw's loggers put at the top level of a record (`session_id`, `agent_id`, `channel`). */
export function copyTopLevelIds(from: Readonly<Record<string, unknown>>, to: { sessionId?: string; agentId?: string; channel?: string }): void {
  const sessionId = nonEmptyString(from['session_id']);
  if (sessionId !== undefined) to.sessionId = sessionId;
  const agentId = nonEmptyString(from['agent_id']);
  if (agentId !== undefined) to.agentId = agentId;
  const channel = nonEmptyString(from['channel']);
  if (channel !== undefined) to.channel = channel;
}
