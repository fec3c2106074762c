import { closeSync, openSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { stampLine, type TraceCopy } from './trace-templates.js';

export interface WriteSchedule {
  traces: number;
  /** One trace starts every `everyMs`. */
  everyMs: number;
}

export interface WrittenTraces {
  /** Per trace id, the wall time (epoch ms) its last line was appended. */
  appendedAt: Map<string, number>;
  /** When the last write of all happened: traces that ended less than a grace period before it met a quiet log. */
  lastWriteMs: number;
}

/**
 * Appends traces to a live log as a gateway would: trace i starts at i × everyMs, each of
 * its lines is written at its original offset, so concurrent traces interleave in the file, and
 * every line's time is the wall time it was written (log time tracks wall time, as it does live).
 */
export async function writeTraces(file: string, next: (seq: number) => TraceCopy, schedule: WriteSchedule): Promise<WrittenTraces> {
  const due: { atMs: number; trace: TraceCopy; index: number }[] = [];
  for (let seq = 0; seq < schedule.traces; seq++) {
    const trace = next(seq);
    const startMs = seq * schedule.everyMs;
    trace.lines.forEach((line, index) => due.push({ atMs: startMs + line.offsetMs, trace, index }));
  }
  // Stable sort: lines of one trace that share a time keep their file order.
  due.sort((a, b) => a.atMs - b.atMs);

  const appendedAt = new Map<string, number>();
  let lastWriteMs = Date.now();
  const fd = openSync(file, 'a');
  try {
    const t0 = performance.now();
    let i = 0;
    while (i < due.length) {
      const elapsed = performance.now() - t0;
      const nowMs = Date.now();
      let chunk = '';
      const finished: string[] = [];
      for (; i < due.length && (due[i]?.atMs ?? Infinity) <= elapsed; i++) {
        const { trace, index } = due[i] as (typeof due)[number];
        chunk += stampLine(trace.lines[index]?.record ?? {}, nowMs);
        if (index === trace.lines.length - 1) finished.push(trace.traceId);
      }
      if (chunk.length > 0) {
        writeSync(fd, chunk);
        const writtenMs = Date.now();
        lastWriteMs = writtenMs;
        for (const traceId of finished) appendedAt.set(traceId, writtenMs);
      }
      const nextAt = due[i]?.atMs;
      if (nextAt !== undefined) await sleep(Math.max(0, nextAt - (performance.now() - t0)));
    }
  } finally {
    closeSync(fd);
  }
  return { appendedAt, lastWriteMs };
}
