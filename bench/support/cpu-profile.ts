import { readFileSync } from 'node:fs';
import { FrameSources, type FrameLocation } from './frame-source.js';

/** The parts of a V8 .cpuprofile (what `node --cpu-prof` writes) that self time needs. */
interface CpuProfile {
  nodes: { id: number; callFrame: FrameLocation & { functionName: string } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  /** `function (file:line)` with the file relative to the checkout, or an area's name. */
  readonly where: string;
  readonly ms: number;
  /** Share of all sampled time, idle included. */
  readonly percent: number;
}

export interface ProfileSummary {
  /** Self time per function (summed over its call sites), most first. */
  readonly functions: readonly SelfTime[];
  /** Self time per part of the program: each otel-tail stage, the OpenTelemetry packages, Node, GC, idle. */
  readonly areas: readonly SelfTime[];
}

/**
 * Self time of a profile. A sample's time is the delta to the next sample, as Chrome DevTools
 * counts it; builtins such as JSON.parse have no frame of their own, so their time is their
 * caller's self time.
 */
export function summariseProfile(profileFile: string, root: string, top: number): ProfileSummary {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const sources = new FrameSources(root);
  const frameOf = new Map<number, { where: string; area: string }>();
  for (const { id, callFrame } of profile.nodes) {
    // V8 names a compiled regular expression's frame after its whole source: keep a table readable.
    const full = callFrame.functionName === '' ? '(anonymous)' : callFrame.functionName;
    const name = full.length > MAX_NAME ? `${full.slice(0, MAX_NAME - 1)}…` : full;
    const { file, line } = sources.locate(callFrame);
    frameOf.set(id, { where: file === '' ? name : `${name} (${file}:${line})`, area: areaOf(name, file) });
  }
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let totalMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const frame = frameOf.get(profile.samples[i] ?? -1) ?? { where: '?', area: 'other' };
    byFunction.set(frame.where, (byFunction.get(frame.where) ?? 0) + ms);
    byArea.set(frame.area, (byArea.get(frame.area) ?? 0) + ms);
    totalMs += ms;
  }
  const ranked = (totals: Map<string, number>, count: number): SelfTime[] =>
    [...totals]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([where, ms]) => ({ where, ms, percent: totalMs > 0 ? (ms / totalMs) * 100 : 0 }));
  return { functions: ranked(byFunction, top), areas: ranked(byArea, byArea.size) };
}

const V8_STATES = new Set(['(idle)', '(garbage collector)', '(program)', '(root)']);
const MAX_NAME = 60;

function areaOf(name: string, file: string): string {
  if (name.startsWith('RegExp: ')) return 'regular expressions (any caller)';
  if (file === '') return V8_STATES.has(name) ? name : 'V8 builtins / native';
  // One area per pipeline stage: src/parsers, src/reconstruct, src/export, ...
  if (file.startsWith('src/') || file.startsWith('dist/')) return `otel-tail ${file.split('/').slice(0, 2).join('/')}/`;
  if (file.startsWith('node_modules/@opentelemetry/')) return 'OpenTelemetry packages';
  if (file.startsWith('node_modules/')) return 'other packages';
  if (file.startsWith('node:')) return 'Node core';
  return 'other';
}
