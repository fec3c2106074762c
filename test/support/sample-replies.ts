/** The words of the model (and the prompt it echoes) in the 2026.9.6 sample: what the gateway printed with console.log inside a turn. */
export const REPLIES = ['Hello from fake-llm (request 3)', 'I used the tool and read the file', 'Hello from fake-llm (request 7)', 'Final answer from fake-claude'];

export type RawRecord = Record<string, unknown> & { _meta: { logLevelName?: string; path?: { method?: string } } };

/** A reply line of the file log, told by tslog's own call-site field (not by the rule under test). */
export const isReply = (raw: RawRecord): boolean =>
  raw['traceId'] !== undefined && raw._meta.path?.method === 'console.forwardedConsoleCall [as log]' && !String(raw['message']).startsWith('[');
