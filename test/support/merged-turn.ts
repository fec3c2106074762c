import { createHash } from 'node:crypto';

/**
 * One agent turn of an OpenClaw 2026.9.6 gateway as both streams show it: the
 * diagnostic events our plugin writes (OPENCLAW.md §4, with the gateway's scope
 * tree request T → harness H → run U → model calls M / tool X) and the file log
 * lines of the same turn (§2: lines carry T or H; model calls only as
 * `[model-fetch]` pairs, tools as `embedded run tool` pairs). The file-log lines
 * follow the layout of test/fixtures/openclaw-2026.9.6/file-log.jsonl. The
 * turn: model call 1 (asks for a tool) → tool `read` → a WARN line and a
 * transient same-model retry → model call 2 → reply. Ids are derived from
 * `label`, so several turns never collide.
 */
export interface TurnOptions {
  label: string;
  /** Time of the turn's first line (epoch ms). */
  startMs: number;
}

export interface MergedTurn {
  traceId: string;
  ids: { request: string; harness: string; run: string; call1: string; call2: string; tool: string };
  runId: string;
  sessionId: string;
  sessionKey: string;
  toolCallId: string;
  /** Event lines in delivery order (queued types one tick late, so `seq` is not monotonic). */
  events: string[];
  /** File-log lines in time order. */
  log: string[];
  /** The turn's last line time. */
  endMs: number;
}

export function mergedTurn(options: TurnOptions): MergedTurn {
  const { label } = options;
  const t0 = options.startMs;
  const traceId = hex(`${label} trace`, 32);
  const ids = {
    request: hex(`${label} T`, 16),
    harness: hex(`${label} H`, 16),
    run: hex(`${label} U`, 16),
    call1: hex(`${label} M1`, 16),
    call2: hex(`${label} M2`, 16),
    tool: hex(`${label} X`, 16),
  };
  const runId = `run-${label}`;
  const sessionId = `sess-${hex(`${label} session`, 8)}`;
  const sessionKey = `agent:main:webchat-${label}`;
  const toolCallId = `call_${hex(`${label} tool`, 12)}`;
  const model = 'fake-model';
  const provider = 'fakeoai';
  const common = { runId, sessionId, sessionKey };
  const scope = (spanId: string, parentSpanId?: string): Record<string, string> =>
    parentSpanId === undefined ? { traceId, spanId, traceFlags: '01' } : { traceId, spanId, parentSpanId, traceFlags: '01' };

  let seq = 100;
  const ev = (type: string, at: number, trace: Record<string, string>, fields: Record<string, unknown> = {}): { seq: number; line: string } => {
    const s = seq++;
    return { seq: s, line: JSON.stringify({ type, ts: t0 + at, seq: s, ...fields, trace }) };
  };
  const T = scope(ids.request);
  const H = scope(ids.harness, ids.request);
  const U = scope(ids.run, ids.harness);
  const M1 = scope(ids.call1, ids.run);
  const M2 = scope(ids.call2, ids.run);
  const X = scope(ids.tool, ids.run);
  const callFields = (n: number): Record<string, unknown> => ({ ...common, callId: `${runId}:model:${n}`, provider, model, api: 'openai-completions', transport: 'http' });
  const usage = (input: number, output: number, cost: number): Record<string, unknown> => ({
    usage: { input, output, cacheRead: 0, cacheWrite: 0, promptTokens: input, total: input + output, cost: { total: cost } },
  });
  // In emit order; the queued types are then delivered one tick late (below).
  const emitted = [
    ev('message.received', 0, T, { sessionId, sessionKey, channel: 'webchat', messageId: `m-${label}` }),
    ev('message.dispatch.started', 2, T, { sessionId, sessionKey, channel: 'webchat' }),
    ev('session.turn.created', 3, T, { ...common, agentId: 'main', channel: 'webchat' }),
    ev('harness.run.started', 5, H, { ...common, provider, model, harnessId: 'openclaw', channel: 'webchat' }),
    ev('run.started', 6, U, { ...common, provider, model, channel: 'webchat' }),
    ev('model.call.started', 10, M1, callFields(1)),
    ev('model.call.completed', 410, M1, { ...callFields(1), durationMs: 400, ...usage(1200, 40, 0.0021) }),
    ev('tool.execution.started', 420, X, { ...common, toolName: 'read', toolCallId, sourceTimestampMs: t0 + 419 }),
    ev('tool.execution.completed', 480, X, { ...common, toolName: 'read', toolCallId, durationMs: 60, sourceTimestampMs: t0 + 479 }),
    ev('model.call.started', 600, M2, callFields(2)),
    ev('model.call.completed', 1100, M2, { ...callFields(2), durationMs: 500, ...usage(1500, 90, 0.0034) }),
    ev('run.completed', 1110, U, { ...common, provider, model, durationMs: 1104, outcome: 'completed' }),
    ev('harness.run.completed', 1112, H, { ...common, harnessId: 'openclaw', durationMs: 1107, outcome: 'completed' }),
    ev('model.usage', 1115, T, { sessionId, sessionKey, provider, model, usage: { input: 2700, output: 130, total: 2830 }, costUsd: 0.0055 }),
    ev('message.dispatch.completed', 1130, T, { sessionId, sessionKey, channel: 'webchat', outcome: 'completed' }),
    ev('message.processed', 1132, T, { sessionId, sessionKey, channel: 'webchat', outcome: 'completed', durationMs: 1132 }),
  ];
  // Delivery order: model-call, tool and harness events come after the next synchronous one.
  const queued = (line: string): boolean => /"type":"(model\.call|tool\.execution|harness\.run)\./.test(line);
  const events: string[] = [];
  let held: string[] = [];
  for (const { line } of emitted) {
    if (queued(line)) {
      held.push(line);
      continue;
    }
    events.push(line, ...held);
    held = [];
  }
  events.push(...held);

  const log: string[] = [];
  const line = (at: number, subsystem: string, level: 'DEBUG' | 'INFO' | 'WARN', message: string, spanId: string, parentSpanId?: string, meta?: Record<string, unknown>): void => {
    log.push(tslog(t0 + at, subsystem, level, message, traceId, spanId, parentSpanId, meta));
  };
  const onT = (at: number, subsystem: string, message: string): void => line(at, subsystem, 'DEBUG', message, ids.request);
  const onH = (at: number, subsystem: string, level: 'DEBUG' | 'WARN', message: string, meta?: Record<string, unknown>): void =>
    line(at, subsystem, level, message, ids.harness, ids.request, meta);
  onT(1, 'diagnostic', `message received: channel=webchat chatId=webchat-${label} messageId=m-${label} sessionId=${sessionId} sessionKey=${sessionKey} source=gateway`);
  onT(4, 'diagnostic', `session turn created: runId=${runId} sessionId=${sessionId} sessionKey=${sessionKey} agentId=main channel=webchat trigger=user`);
  onH(7, 'agent/embedded', 'DEBUG', `embedded run start: runId=${runId} sessionId=${sessionId} provider=${provider} model=${model} thinking=off messageChannel=webchat`);
  onH(8, 'agent/embedded', 'DEBUG', `embedded run prompt start: runId=${runId} sessionId=${sessionId} api=openai-completions`);
  const url = 'http://127.0.0.1:18080/v1/chat/completions';
  onH(12, 'provider-transport-fetch', 'DEBUG', `[model-fetch] start provider=${provider} api=openai-completions model=${model} method=POST url=${url} timeoutMs=60000 proxy=none policy=custom`);
  onH(250, 'provider-transport-fetch', 'DEBUG', `[model-fetch] response provider=${provider} api=openai-completions model=${model} status=200 elapsedMs=238 dispatcher=new contentType=text/event-stream`);
  onH(421, 'agent/embedded', 'DEBUG', `embedded run tool start: runId=${runId} tool=read toolCallId=${toolCallId}`);
  onH(481, 'agent/embedded', 'DEBUG', `embedded run tool end: runId=${runId} tool=read toolCallId=${toolCallId}`);
  onH(500, 'session-sqlite', 'WARN', `slow SQLite session write for ${sessionKey}: 412ms`);
  onH(520, 'agent/embedded', 'WARN', `transient same-model retry 1/9 for ${provider}/${model} reason=timeout: delayMs=50`);
  onH(602, 'provider-transport-fetch', 'DEBUG', `[model-fetch] start provider=${provider} api=openai-completions model=${model} method=POST url=${url} timeoutMs=60000 proxy=none policy=custom`);
  onH(700, 'provider-transport-fetch', 'DEBUG', `[model-fetch] response provider=${provider} api=openai-completions model=${model} status=200 elapsedMs=98 dispatcher=reused contentType=text/event-stream`);
  onH(1105, 'agent/embedded', 'DEBUG', 'embedded run failover decision', {
    event: 'embedded_run_failover_decision', runId, stage: 'assistant', decision: 'continue_normal', provider, model, attemptCount: 1,
  });
  onH(1111, 'agent/embedded', 'DEBUG', `embedded run done: runId=${runId} sessionId=${sessionId} durationMs=1104 aborted=false`);
  onT(1133, 'diagnostic', `message processed: channel=webchat chatId=webchat-${label} messageId=m-${label} sessionId=${sessionId} sessionKey=${sessionKey} outcome=completed duration=1133ms`);
  return { traceId, ids, runId, sessionId, sessionKey, toolCallId, events, log, endMs: t0 + 1133 };
}

function tslog(
  t: number,
  subsystem: string,
  level: 'DEBUG' | 'INFO' | 'WARN',
  message: string,
  traceId: string,
  spanId: string,
  parentSpanId: string | undefined,
  meta: Record<string, unknown> | undefined,
): string {
  const iso = new Date(t).toISOString();
  const name = JSON.stringify({ subsystem });
  const levelId = level === 'WARN' ? 4 : level === 'INFO' ? 3 : 2;
  const args = meta === undefined ? { 1: message } : { 1: meta, 2: message };
  const record: Record<string, unknown> = {
    0: name,
    ...args,
    _meta: { runtime: 'node', runtimeVersion: '24.21.0', hostname: 'vm', date: iso, logLevelId: levelId, logLevelName: level, name, parentNames: ['openclaw'] },
    time: iso.replace('Z', '+00:00'),
    hostname: 'vm',
    message,
    traceId,
    spanId,
  };
  if (parentSpanId !== undefined) record['parentSpanId'] = parentSpanId;
  record['traceFlags'] = '01';
  return JSON.stringify(record);
}

function hex(text: string, chars: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, chars);
}
