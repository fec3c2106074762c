import { readFileSync } from 'node:fs';
import type { SelfTime } from './cpu-profile.js';
import { FrameSources, type FrameLocation } from './frame-source.js';

/** The parts of a V8 .cpuprofile a split by stage needs (with each node's children, to find parents). */
interface CpuProfile {
  nodes: { id: number; callFrame: FrameLocation & { functionName: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** otel-tail's folders (src/<folder>/) → the stage of a backfill they hold, as the split names it. */
const STAGES: Readonly<Record<string, string>> = {
  sources: 'read + decode lines',
  parsers: 'scan + parse',
  reconstruct: 'reconstruct + build spans',
  pipeline: 'line intake + export queue',
  export: 'hand-off to the export worker',
};
const READ = STAGES['sources'] as string;
const IO_URL = /^node:internal\/(fs|streams)\//;
const IO_NATIVE = new Set(['read', 'openFileHandle', 'fstat', 'close']);
const GC = 'GC';
const IDLE = 'idle (waiting for input or the worker)';
const OTHER = 'start-up, module loading, other';

/**
 * Where one thread's time went, by stage: each sample is charged to the otel-tail folder of the
 * innermost otel-tail frame on its stack (so JSON.parse, a regex or `isUtf8` count for the stage
 * that called them, and Node's stream code for the reader that pulled it); a stack with no
 * otel-tail frame but Node's fs or stream code is reading; GC and idle apart.
 */
export function threadSplit(profileFile: string, root: string): SelfTime[] {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const parentOf = new Map<number, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const sources = new FrameSources(root);
  const stageOf = new Map<number, string>();
  const stage = (id: number): string => {
    const known = stageOf.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    let found = OTHER;
    if (node !== undefined) {
      const { functionName: name, url } = node.callFrame;
      const folder = otelTailFolder(sources.locate(node.callFrame).file);
      const parent = parentOf.get(id);
      const outer = parent === undefined ? OTHER : stage(parent);
      if (name === '(garbage collector)') found = GC;
      else if (name === '(idle)') found = IDLE;
      else if (folder !== undefined && STAGES[folder] !== undefined) found = STAGES[folder];
      // File reads complete in callbacks with no otel-tail frame above them: Node's fs and stream code is reading.
      else if (outer === OTHER && (IO_URL.test(url) || IO_NATIVE.has(name))) found = READ;
      else found = outer;
    }
    stageOf.set(id, found);
    return found;
  };
  const totals = new Map<string, number>();
  let totalMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const where = stage(profile.samples[i] ?? -1);
    totals.set(where, (totals.get(where) ?? 0) + ms);
    totalMs += ms;
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .map(([where, ms]) => ({ where, ms, percent: totalMs > 0 ? (ms / totalMs) * 100 : 0 }));
}

/** `parsers` for src/parsers/parse-line.ts (through the bundle's source map) or dist/parsers/parse-line.js; undefined for any other file. */
function otelTailFolder(source: string): string | undefined {
  const parts = source.split('/');
  return (parts[0] === 'src' || parts[0] === 'dist') && parts.length > 2 ? parts[1] : undefined;
}
