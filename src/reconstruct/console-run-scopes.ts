import { nonEmptyString } from '../parsers/json-object.js';
import type { LogRecord, TraceScope } from '../model/records.js';
import { deriveSpanId, deriveTraceId } from './span-ids.js';

interface ConsoleRun {
  runId: string;
  scope: TraceScope;
  provider?: string;
  model?: string;
  sessionId?: string;
  /** Log time of its latest line: the tie-breaker for lines that name no run. */
  lastMs: number;
  /** Tools started and not yet ended, by name (for `[tools] X failed:`). */
  openTools: Map<string, number>;
  /** Between `embedded run prompt start` and `agent end`: the only time a run calls the model. */
  prompting: boolean;
  /** Model requests started and not yet answered (a run makes one at a time). */
  openFetches: number;
  /**
   * Since when the run is ready to call the model: set by prompt/agent start,
   * the end of its last running tool, and a failed request (a retry follows);
   * cleared by a request, and by a successful answer (the run then streams it,
   * which the console does not show, and calls again only after its tools).
   */
  readySince?: number;
  done: boolean;
}

/** How many runs are remembered (open, and done ones whose trailing lines may still come). */
const MAX_RUNS = 2_000;

/**
 * Console lines (journald, stream B) carry no trace scope: this gives the
 * lines of one agent run a scope of their own, so the file-log builder can
 * rebuild the run as a trace. Ids are derived from the runId, so a re-read
 * yields the same trace and span ids whatever journal cursor it starts from.
 *
 * Which run a line belongs to:
 * - a line that names `runId` (embedded run start/…/done, tool start/end,
 *   decision records) belongs to that run;
 * - `[model-fetch] start` names only provider and model: it goes to an open
 *   run with that provider and model that is ready to call the model (see
 *   `readySince`) with no request unanswered and no tool running; the
 *   conditions are dropped one by one (then the model, then the provider)
 *   until some run qualifies, and among those the run ready the longest
 *   wins. Under concurrency this is a best effort: the gateway does not say
 *   which run made the request (and a restart must re-read the runs around
 *   its checkpoint whole: SourcePosition.contextual);
 * - `[model-fetch] response|error` goes to the run whose oldest unanswered
 *   start has the same provider and model (requests are answered in order);
 * - `[tools] X failed:` goes to the most recently active run with tool X open;
 * - a line with the sessionId of an open run belongs to it.
 * Anything else stays untraced (counted, exported as nothing).
 */
export class ConsoleRunScopes {
  private readonly runs = new Map<string, ConsoleRun>();
  private readonly bySession = new Map<string, string>();
  /** Unanswered `[model-fetch] start`s, oldest first: `provider\0model` → the runs that made them, and when. */
  private readonly openFetches = new Map<string, { runId: string; startMs: number }[]>();

  /** Sets `record.trace` when the record belongs to a run. */
  assign(record: LogRecord): void {
    if (record.trace !== undefined) return;
    const run = this.runFor(record);
    if (run === undefined) return;
    record.trace = run.scope;
    if (record.timeMs > run.lastMs) run.lastMs = record.timeMs;
  }

  private runFor(record: LogRecord): ConsoleRun | undefined {
    const signal = record.signal;
    if (signal?.kind === 'model.fetch') return this.fetchRun(signal.phase, signal.values, record.timeMs);
    if (signal?.kind === 'tool.failed') return this.mostRecent((run) => run.openTools.has(signal.tool));
    const values = signal !== undefined && 'values' in signal ? (signal.values as Readonly<Record<string, unknown>>) : undefined;
    const runId = nonEmptyString(values?.['runId']) ?? nonEmptyString(record.meta?.['runId']);
    if (runId !== undefined) return this.namedRun(runId, record);
    const sessionId = record.sessionId ?? nonEmptyString(values?.['sessionId']);
    const bySession = sessionId === undefined ? undefined : this.bySession.get(sessionId);
    return bySession === undefined ? undefined : this.runs.get(bySession);
  }

  private namedRun(runId: string, record: LogRecord): ConsoleRun {
    let run = this.runs.get(runId);
    if (run === undefined) {
      run = this.open(runId, record.timeMs);
    }
    const signal = record.signal;
    if (signal === undefined || !('values' in signal)) return run;
    const values = signal.values as Readonly<Record<string, string | undefined>>;
    switch (signal.kind) {
      case 'run.start':
      case 'run.prompt.start':
      case 'run.agent.start':
        if (signal.kind !== 'run.start') {
          run.prompting = true;
          run.readySince ??= record.timeMs;
        }
        run.provider = values['provider'] ?? run.provider;
        run.model = values['model'] ?? run.model;
        if (values['sessionId'] !== undefined) {
          run.sessionId = values['sessionId'];
          this.bySession.set(run.sessionId, runId);
        }
        break;
      case 'run.tool.start': {
        const tool = values['tool'] ?? 'unknown';
        run.openTools.set(tool, (run.openTools.get(tool) ?? 0) + 1);
        break;
      }
      case 'run.tool.end': {
        const tool = values['tool'] ?? 'unknown';
        const open = (run.openTools.get(tool) ?? 0) - 1;
        if (open > 0) run.openTools.set(tool, open);
        else run.openTools.delete(tool);
        if (run.openTools.size === 0) run.readySince = record.timeMs;
        break;
      }
      case 'run.agent.end':
      case 'run.prompt.end':
        run.prompting = false;
        delete run.readySince;
        break;
      case 'run.done':
        run.done = true;
        run.prompting = false;
        if (run.sessionId !== undefined && this.bySession.get(run.sessionId) === runId) this.bySession.delete(run.sessionId);
        break;
      default:
        break;
    }
    return run;
  }

  private fetchRun(phase: 'start' | 'response' | 'error', values: Readonly<Record<string, string>>, timeMs: number): ConsoleRun | undefined {
    const key = `${values['provider'] ?? ''}\u0000${values['model'] ?? ''}`;
    const waiting = this.openFetches.get(key) ?? [];
    if (phase !== 'start') {
      // Answers do not come in order (an error is quick): the request is the one that started `elapsedMs` before.
      const elapsed = Number(values['elapsedMs']);
      let index = 0;
      if (Number.isFinite(elapsed)) {
        for (let i = 1; i < waiting.length; i++) {
          const distance = (w: { startMs: number } | undefined): number => Math.abs(timeMs - elapsed - (w?.startMs ?? 0));
          if (distance(waiting[i]) < distance(waiting[index])) index = i;
        }
      }
      const [request] = waiting.splice(index, 1);
      if (waiting.length === 0) this.openFetches.delete(key);
      const answered = request === undefined ? undefined : this.runs.get(request.runId);
      if (answered !== undefined) {
        if (answered.openFetches > 0) answered.openFetches--;
        const status = Number(values['status']);
        if (phase === 'error' || !(status >= 200 && status < 300)) answered.readySince = timeMs;
      }
      return answered;
    }
    const provider = values['provider'];
    const model = values['model'];
    const matches = (r: ConsoleRun): boolean => r.provider === provider && r.model === model;
    // Narrowest first: a run calls the model while prompting, one request at a time, not while a tool runs.
    const run =
      this.readiest((r) => matches(r) && r.readySince !== undefined && r.openFetches === 0 && r.openTools.size === 0) ??
      this.readiest((r) => matches(r) && r.prompting && r.openFetches === 0) ??
      this.readiest((r) => matches(r) && r.prompting) ??
      this.readiest(matches) ??
      this.readiest((r) => r.provider === provider) ??
      this.readiest(() => true);
    if (run !== undefined) {
      run.openFetches++;
      delete run.readySince;
      waiting.push({ runId: run.runId, startMs: timeMs });
      this.openFetches.set(key, waiting);
    }
    return run;
  }

  /**
   * Of the open runs matching `test`, the one ready the longest (runs ready
   * to call the model send in the order they became ready); runs not marked
   * ready come after, the most recently active first.
   */
  private readiest(test: (run: ConsoleRun) => boolean): ConsoleRun | undefined {
    let best: ConsoleRun | undefined;
    for (const run of this.runs.values()) {
      if (run.done || !test(run)) continue;
      if (best === undefined || rank(run) < rank(best)) best = run;
    }
    return best;
  }

  /** The open run matching `test` whose latest line is the most recent (the latest started on a tie). */
  private mostRecent(test: (run: ConsoleRun) => boolean): ConsoleRun | undefined {
    let best: ConsoleRun | undefined;
    // Maps iterate in insertion order, so `>=` prefers the later-started run on a tie.
    for (const run of this.runs.values()) if (!run.done && test(run) && (best === undefined || run.lastMs >= best.lastMs)) best = run;
    return best;
  }

  private open(runId: string, timeMs: number): ConsoleRun {
    if (this.runs.size >= MAX_RUNS) this.forgetOldest();
    const traceId = deriveTraceId('console-run', runId);
    const run: ConsoleRun = {
      runId,
      // The run is the harness span; its parent (the request, never seen on the console) is synthesised by the builder.
      scope: { traceId, spanId: deriveSpanId(traceId, 'console-run'), parentSpanId: deriveSpanId(traceId, 'console-request'), synthetic: true },
      lastMs: timeMs,
      openTools: new Map(),
      prompting: false,
      openFetches: 0,
      done: false,
    };
    this.runs.set(runId, run);
    return run;
  }

  private forgetOldest(): void {
    const oldest = this.runs.keys().next();
    if (oldest.done === true) return;
    const run = this.runs.get(oldest.value);
    this.runs.delete(oldest.value);
    if (run?.sessionId !== undefined && this.bySession.get(run.sessionId) === run.runId) this.bySession.delete(run.sessionId);
  }
}

/** Lower is readier: ready runs by when they became ready, then the rest by most recent activity. */
function rank(run: ConsoleRun): number {
  return run.readySince !== undefined ? run.readySince - Number.MAX_SAFE_INTEGER / 2 : -run.lastMs;
}
