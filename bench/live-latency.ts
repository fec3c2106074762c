import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveConfig } from '../src/config/resolve-config.js';
import { startOtlpReceiver } from '../test/support/otlp-receiver.js';
import type { BenchContext, Benchmark, Figure } from './benchmark.js';
import { killOnExit, startDaemon, type DaemonProcess } from './support/daemon-process.js';
import { cpuPercentWhile, peakRssMiB } from './support/proc-stat.js';
import { distribution } from './support/stats.js';
import { copyTrace, loadTemplates, type TraceTemplate } from './support/trace-templates.js';
import { writeTraces, type WriteSchedule, type WrittenTraces } from './support/trace-writer.js';

const SAMPLE_LOG = 'test/fixtures/openclaw-2026.9.6/file-log.jsonl';
const READY = /otel-tail: following /;
const TARGET_MS = 1000;

/**
 * Live latency and idle CPU of the follow daemon with default settings: a real OTLP receiver
 * on 127.0.0.1, `otel-tail --from end` on a temp log directory, complete traces (copies of
 * real ones) appended at a steady rate, then a few lone traces with the log quiet around them
 * (a gateway with little traffic), then nothing. A trace's latency is the receiver's arrival
 * time of its spans minus the wall time its last line was appended; its floor is the grace
 * period (log time a complete trace waits for trailing lines), printed as the baseline.
 */
export const liveLatency: Benchmark = {
  name: 'live-latency',
  description: 'live latency and idle CPU of the follow daemon, default settings (--rate=20 --seconds=15 --lone=8 --idle-seconds=30)',
  async run(context: BenchContext): Promise<Figure[]> {
    const rate = context.param('rate', 20);
    const seconds = context.param('seconds', 15);
    const lone = context.param('lone', 8);
    const idleSeconds = context.param('idle-seconds', 30);
    // The default the daemon runs with, read from the same config table it uses.
    const graceMs = resolveConfig({}, {}).graceMs;

    const templates = loadTemplates(join(context.repoRoot, SAMPLE_LOG));
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-bench-'));
    const logDir = join(dir, 'log');
    const stateDir = join(dir, 'state');
    mkdirSync(logDir);
    mkdirSync(stateDir);
    const logFile = join(logDir, `openclaw-${localDate(new Date())}.log`);
    // History before the start: `--from end` must not send any of it.
    writeFileSync(logFile, readFileSync(join(context.repoRoot, SAMPLE_LOG)));

    const arrivals = new Map<string, { lastMs: number; spans: number }>();
    const receiver = await startOtlpReceiver({
      onSpans: (spans) => {
        const nowMs = Date.now();
        for (const span of spans) arrivals.set(span.traceId, { lastMs: nowMs, spans: (arrivals.get(span.traceId)?.spans ?? 0) + 1 });
      },
    });
    let seq = 0;
    const shapeOf = new Map<string, string>();
    const write = (schedule: WriteSchedule): Promise<WrittenTraces> =>
      writeTraces(
        logFile,
        () => {
          const copy = copyTrace(templates[seq % templates.length] as TraceTemplate, seq++);
          shapeOf.set(copy.traceId, copy.template);
          return copy;
        },
        schedule,
      );
    const drainMs = graceMs + 15_000;
    const drain = async (written: WrittenTraces): Promise<void> => {
      await waitUntil(() => [...written.appendedAt.keys()].every((id) => arrivals.has(id)), drainMs);
    };
    const latencies = (written: WrittenTraces, which: (appendedMs: number, traceId: string) => boolean = () => true): number[] => {
      const out: number[] = [];
      for (const [traceId, appendedMs] of written.appendedAt) {
        const arrived = arrivals.get(traceId);
        if (arrived !== undefined && which(appendedMs, traceId)) out.push(arrived.lastMs - appendedMs);
      }
      return out;
    };

    let daemon: DaemonProcess | undefined;
    try {
      const args = ['--file', logDir, '--from', 'end', '--state-dir', stateDir, '--endpoint', receiver.url];
      daemon = await startDaemon(join(context.repoRoot, 'bin/otel-tail'), args, READY);
      const pid = daemon.pid;
      const shapes = templates.map((t) => `${t.name}: ${t.lines.length} lines`).join(', ');
      context.log(`daemon ready (pid ${pid}); appending ${Math.round(rate * seconds)} traces (${shapes}) at ${rate}/s for ${seconds} s`);

      let steady: WrittenTraces = { appendedAt: new Map(), lastWriteMs: 0 };
      const loadCpu = await cpuPercentWhile(pid, async () => {
        steady = await write({ traces: Math.round(rate * seconds), everyMs: 1000 / rate });
      });
      context.log(`steady run written; waiting up to ${drainMs / 1000} s for its last traces`);
      await drain(steady);

      // Not a whole number of seconds, so that lone traces do not all meet periodic work in the daemon at the same phase.
      const everyMs = 4321;
      context.log(`appending ${lone} lone traces, one every ${everyMs / 1000} s (the log quiet in between)`);
      await sleep(2000);
      const quiet = await write({ traces: lone, everyMs });
      await drain(quiet);
      // Let the last export's connection and the timed checkpoint write settle before idling.
      await sleep(2000);

      context.log(`log quiet; measuring idle CPU for ${idleSeconds} s (and a bare idle node process beside it)`);
      const floor = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
      killOnExit(floor);
      let floorCpu = Number.NaN;
      let idleCpu = Number.NaN;
      try {
        await sleep(500);
        idleCpu = await cpuPercentWhile(pid, async () => {
          floorCpu = await cpuPercentWhile(floor.pid ?? -1, () => sleep(idleSeconds * 1000));
        });
      } finally {
        floor.kill('SIGKILL');
      }
      const rssMiB = peakRssMiB(pid);
      const exit = await daemon.stop();
      const said = daemon.stderr().trimEnd().split('\n').slice(-5);
      context.log(`daemon stopped (code ${exit.code}, signal ${exit.signal}); its last stderr lines:\n${said.map((l) => `      ${l}`).join('\n')}`);
      daemon = undefined;

      const all = distribution(latencies(steady));
      // A trace that ended less than a grace period before the last line of the run has no later line to make it due.
      const busy = distribution(latencies(steady, (appendedMs) => appendedMs <= steady.lastWriteMs - graceMs));
      const tail = distribution(latencies(steady, (appendedMs) => appendedMs > steady.lastWriteMs - graceMs));
      const first = latencies(steady, (appendedMs) => appendedMs === Math.min(...steady.appendedAt.values()))[0] ?? Number.NaN;
      const ours = new Set([...steady.appendedAt.keys(), ...quiet.appendedAt.keys()]);
      const strangers = [...arrivals].filter(([id]) => !ours.has(id)).reduce((sum, [, a]) => sum + a.spans, 0);
      const sent = steady.appendedAt.size;
      const figures: Figure[] = [
        { label: 'traces delivered', value: all.count, unit: 'traces', target: { op: '=', value: sent }, note: all.count === sent ? `of ${sent} appended` : `of ${sent} appended; the rest not received within ${drainMs / 1000} s` },
        { label: 'latency p50', value: all.p50, unit: 'ms', note: `${rate} traces/s; last line appended → spans at the receiver` },
        { label: 'latency p99', value: all.p99, unit: 'ms', target: { op: '<', value: TARGET_MS } },
        { label: 'latency max', value: all.max, unit: 'ms' },
        { label: 'baseline: grace (default)', value: graceMs, unit: 'ms', note: 'the floor: a complete trace waits this long (log time) for trailing lines' },
        { label: 'p50 above grace', value: all.p50 - graceMs, unit: 'ms', note: 'what the daemon adds: reading, batching, export' },
        { label: 'p99 while the log is busy', value: busy.p99, unit: 'ms', note: `${busy.count} traces with lines after them` },
        { label: 'max at the end of the run', value: tail.max, unit: 'ms', note: `${tail.count} traces that ended < grace before the log went quiet` },
        { label: 'first trace after ready', value: first, unit: 'ms', note: 'written right after the ready line' },
      ];
      // Lone traces per shape: a one-line RPC and a multi-line message behave differently when the log is quiet.
      for (const { name } of templates) {
        const shape = latencies(quiet, (_, traceId) => shapeOf.get(traceId) === name);
        if (shape.length === 0) continue;
        const { p50, max } = distribution(shape);
        const over = shape.filter((ms) => ms >= TARGET_MS).length;
        figures.push({
          label: `lone ${name}: max`,
          value: max,
          unit: 'ms',
          target: { op: '<', value: TARGET_MS },
          note: `${shape.length} traces, quiet log around each; p50 ${Math.round(p50)} ms, ${over} took ≥ ${TARGET_MS} ms`,
        });
      }
      figures.push(
        { label: 'CPU while appending', value: loadCpu, unit: '% core', note: `${rate} traces/s` },
        { label: 'CPU idle (log quiet)', value: idleCpu, unit: '% core', target: { op: '<', value: 1 }, note: `over ${idleSeconds} s` },
        { label: 'baseline: idle bare node', value: floorCpu, unit: '% core', note: 'same window: the runtime floor' },
        { label: 'peak RSS', value: rssMiB ?? Number.NaN, unit: 'MiB' },
        { label: 'spans from lines before start', value: strangers, unit: 'spans', target: { op: '=', value: 0 }, note: '--from end skips the history' },
        { label: 'receiver decode errors', value: receiver.errors.length, unit: 'errors', target: { op: '=', value: 0 } },
        { label: 'exit status on SIGTERM', value: exit.code ?? Number.NaN, unit: '', target: { op: '=', value: 0 }, note: exit.killed ? 'did not exit within 10 s: SIGKILLed' : exit.signal === null ? '' : `ended by ${exit.signal}` },
      );
      return figures;
    } catch (error) {
      if (daemon !== undefined) context.log(`daemon stderr:\n${daemon.stderr()}`);
      throw error;
    } finally {
      await daemon?.stop();
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** YYYY-MM-DD in local time, as OpenClaw names its rolling log files. */
function localDate(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}
