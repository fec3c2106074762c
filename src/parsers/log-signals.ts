import { parseDurationMs } from '../model/key-value-numbers.js';
import { parseKeyValues } from './key-values.js';
import type { LogSignal } from '../model/records.js';

/**
 * Recognises the lifecycle lines of OPENCLAW.md §2.1 (text mirrors of
 * diagnostic events, agent-runner lines, `[model-fetch]`, retries) and the
 * structured `{"event": ...}` records. Prefix tests only: no regex is run on
 * a line that starts with none of the known prefixes.
 */
type Builder = (message: string, tailFrom: number) => LogSignal | undefined;

const kv = (kind: Extract<LogSignal, { values: unknown }>['kind']): Builder =>
  (message, from) => ({ kind, values: parseKeyValues(message, from) }) as LogSignal;

/** Prefix (including its colon and space) → builder of the signal. Longest prefixes first where they overlap. */
const PREFIXES: readonly (readonly [string, Builder])[] = [
  ['message received: ', kv('message.received')],
  ['message queued: ', kv('message.queued')],
  ['message dispatch started: ', kv('message.dispatch.started')],
  ['message dispatch completed: ', kv('message.dispatch.completed')],
  ['message processed: ', kv('message.processed')],
  ['session turn created: ', kv('session.turn.created')],
  ['session state: ', kv('session.state')],
  ['lane enqueue: ', kv('lane.enqueue')],
  ['lane dequeue: ', kv('lane.dequeue')],
  ['lane task done: ', kv('lane.done')],
  ['lane task error: ', kv('lane.error')],
  ['lane wait exceeded: ', kv('lane.wait_exceeded')],
  ['tool loop: ', kv('tool.loop')],
  ['long-running session: ', attention('long_running')],
  ['stalled session: ', attention('stalled')],
  ['stuck session: ', attention('stuck')],
  ['webhook received: ', webhook('received')],
  ['webhook processed: ', webhook('processed')],
  ['webhook error: ', webhook('error')],
  ['embedded run start: ', kv('run.start')],
  ['embedded run prompt start: ', kv('run.prompt.start')],
  ['embedded run prompt end: ', kv('run.prompt.end')],
  ['embedded run agent start: ', kv('run.agent.start')],
  ['embedded run agent end: ', kv('run.agent.end')],
  ['embedded run tool start: ', kv('run.tool.start')],
  ['embedded run tool end: ', kv('run.tool.end')],
  ['embedded run done: ', kv('run.done')],
  ['[model-fetch] start ', fetchPhase('start')],
  ['[model-fetch] response ', fetchPhase('response')],
  ['[model-fetch] error ', fetchPhase('error')],
  ['transient same-model retry ', retryScheduled],
  ['transient retry window elapsed ', retryExhausted],
  ['[tools] ', toolFailed],
  ['⇄ res ', rpcResponse],
  ['device pairing auto-approved ', kv('device.pairing')],
];

/** Every message prefix that can make a signal: the untraced-record pre-check must parse any line carrying one. */
export const SIGNAL_PREFIXES: readonly string[] = PREFIXES.map(([prefix]) => prefix);

/** Structured records whose `event` names a decision worth a span event. */
const DECISION_EVENTS = new Set([
  'embedded_run_failover_decision',
  'model_fallback_decision',
  'embedded_run_retry_decision',
]);

export function recognizeSignal(message: string, meta: Record<string, unknown> | undefined): LogSignal | undefined {
  if (meta !== undefined && typeof meta['event'] === 'string') {
    const fromMeta = signalFromMeta(meta['event'], meta);
    if (fromMeta !== undefined) return fromMeta;
  }
  const candidates = BY_FIRST_CHAR.get(message.charCodeAt(0));
  if (candidates === undefined) return undefined;
  for (const [prefix, build] of candidates) {
    if (message.startsWith(prefix)) return build(message, prefix.length);
  }
  return undefined;
}

/** PREFIXES by their first character (in their order), so a message is only compared with the few that could match. */
const BY_FIRST_CHAR = new Map<number, (readonly [string, Builder])[]>();
for (const entry of PREFIXES) {
  const first = entry[0].charCodeAt(0);
  const list = BY_FIRST_CHAR.get(first);
  if (list === undefined) BY_FIRST_CHAR.set(first, [entry]);
  else list.push(entry);
}

function signalFromMeta(event: string, meta: Record<string, unknown>): LogSignal | undefined {
  if (DECISION_EVENTS.has(event)) return { kind: 'decision', event, values: meta };
  if (event === 'embedded_run_agent_end') {
    // The structured (warn) form is the one that carries the error of a failed attempt.
    return { kind: 'run.agent.end', values: stringValues(meta, ['runId', 'isError', 'error', 'failoverReason', 'provider', 'model']) };
  }
  return undefined;
}

function stringValues(meta: Record<string, unknown>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const key of keys) {
    const value = meta[key];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
  }
  return out;
}

function attention(state: string): Builder {
  return (message, from) => ({ kind: 'session.attention', state, values: parseKeyValues(message, from) });
}

function webhook(phase: 'received' | 'processed' | 'error'): Builder {
  return (message, from) => ({ kind: 'webhook', phase, values: parseKeyValues(message, from) });
}

function fetchPhase(phase: 'start' | 'response' | 'error'): Builder {
  return (message, from) => ({ kind: 'model.fetch', phase, values: parseKeyValues(message, from) });
}

// `transient same-model retry 1/9 for fakeoai/fake-model reason=rate_limit: delayMs=1300`
const RETRY = /^(\d+)\/(\d+) for (\S+?)\/(\S+)/;

function retryScheduled(message: string, from: number): LogSignal {
  const tail = message.slice(from);
  const match = RETRY.exec(tail);
  const values: Record<string, string> = { ...parseKeyValues(tail.replace(/:(\s)/g, '$1')), phase: 'scheduled' };
  if (match !== null) {
    values['provider'] = match[3] ?? '';
    values['model'] = match[4] ?? '';
    return { kind: 'retry', attempt: Number(match[1]), maxAttempts: Number(match[2]), values };
  }
  return { kind: 'retry', values };
}

// `transient retry window elapsed for fakeant/fake-claude after 7/8 retries; stopping same-model retries`
const RETRY_EXHAUSTED = /^for (\S+?)\/(\S+) after (\d+)\/(\d+)/;

function retryExhausted(message: string, from: number): LogSignal {
  const match = RETRY_EXHAUSTED.exec(message.slice(from));
  const values: Record<string, string> = { phase: 'exhausted' };
  if (match === null) return { kind: 'retry', values };
  values['provider'] = match[1] ?? '';
  values['model'] = match[2] ?? '';
  return { kind: 'retry', attempt: Number(match[3]), maxAttempts: Number(match[4]), values };
}

// `[tools] read failed: File not found: ... raw_params={...}`
const TOOL_FAILED = /^(\S+) failed: ([\s\S]*)$/;

function toolFailed(message: string, from: number): LogSignal | undefined {
  const match = TOOL_FAILED.exec(message.slice(from));
  if (match === null) return undefined;
  const error = (match[2] ?? '').replace(/ raw_params=[\s\S]*$/, '');
  return { kind: 'tool.failed', tool: match[1] ?? '', error };
}

// `⇄ res ✓ chat.send 738ms runId=A-beta-1 conn=… id=…`
const RPC = /^(\S+) (\S+)(?: (\d+(?:\.\d+)?m?s))?/;

function rpcResponse(message: string, from: number): LogSignal | undefined {
  const tail = message.slice(from);
  const match = RPC.exec(tail);
  if (match === null) return undefined;
  const signal: LogSignal = {
    kind: 'rpc.response',
    method: match[2] ?? '',
    ok: match[1] === '✓',
    values: parseKeyValues(tail, match[0].length),
  };
  const durationMs = parseDurationMs(match[3]);
  if (durationMs !== undefined) signal.durationMs = durationMs;
  return signal;
}
