// Private content is not written. OpenClaw 2026.9.6 keeps prompts, responses, tool arguments and
// results out of the public event payload: they travel as "private data" (modelContent,
// toolContent) to trusted listeners only, and the gateway gives a trusted listener
// (ctx.internalDiagnostics.onEvent) to its own diagnostics-otel / diagnostics-prometheus services
// alone, bundled or officially installed; no option lets a third-party plugin opt in. One
// exception, seen on a real gateway:
// `log.record.message` is the text of a log call, and the gateway forwards console output through
// it, the agent's reply included. otel-tail takes log lines from the file log, so the event keeps
// its level, logger, code location and trace, and only the text's length.
// The key list guards against a future event type carrying content inline.
const PRIVATE_KEYS = new Set([
  'modelContent',
  'toolContent',
  'inputMessages',
  'outputMessages',
  'systemPrompt',
  'toolDefinitions',
  'toolInput',
  'toolOutput',
  'errorMessage',
  'privateData',
]);

/** The event itself when it holds nothing private, else a shallow copy without it. */
export function withoutPrivateContent(event) {
  if (event === null || typeof event !== 'object') return event;
  let copy;
  if (event.type === 'log.record' && typeof event.message === 'string') {
    copy = { ...event, messageChars: event.message.length };
    delete copy.message;
  }
  for (const key of Object.keys(event)) {
    if (!PRIVATE_KEYS.has(key)) continue;
    copy ??= { ...event };
    delete copy[key];
  }
  return copy ?? event;
}
