import { cyclesOf, folderOf, type ImportEdge } from './import-graph.js';

/**
 * STYLE.md: "a stage imports its neighbour's *types*, not its internals". Here as data, so a
 * test keeps it true (docs/design.md, "Layout and boundaries"). The pipeline of docs/design.md:
 * sources → parsers → reconstruct → export, acks flowing back to checkpoint; telemetry watches
 * every stage; config is read at start-up; pipeline/ wires the stages, cli/ composes everything.
 *
 * For each folder of src/: the folders it may take values from (classes, functions, constants)
 * and the folders it may take `import type` from. Its own folder is always allowed. A folder
 * missing from the table may import nothing outside itself.
 */
export interface FolderRule {
  values: readonly string[];
  types: readonly string[];
}

const STAGES = ['model', 'config', 'parsers', 'sources', 'reconstruct', 'export', 'checkpoint', 'telemetry'] as const;

export const RULES: Readonly<Record<string, FolderRule>> = {
  // The types every stage shares (records, line refs, span records, attribute names, input errors): imports nothing.
  model: { values: [], types: [] },
  // Read at start-up; every stage may see its resolved options as types.
  config: { values: ['model'], types: ['model'] },
  // A stage takes the types of what it is handed: reconstruct what parsers made (what sources read, RawLine, is model's).
  parsers: { values: ['model'], types: ['model'] },
  // Resumes where checkpoint/ says, and tells it what was read: the ack path's types.
  sources: { values: ['model'], types: ['model', 'checkpoint'] },
  reconstruct: { values: ['model'], types: ['model', 'parsers'] },
  export: { values: ['model'], types: ['model', 'config'] },
  // Settles the lines of what reconstruct emitted once export is done with it.
  checkpoint: { values: ['model'], types: ['model', 'reconstruct'] },
  // Watches the stages: their counters and results as types.
  telemetry: { values: ['model'], types: ['model', 'config', 'sources', 'reconstruct', 'export'] },
  service: { values: ['model', 'config'], types: ['model', 'config'] },
  pipeline: { values: [...STAGES], types: [...STAGES] },
  cli: { values: [...STAGES, 'service', 'pipeline'], types: [...STAGES, 'service', 'pipeline'] },
};

/** An import the rule forbids that today's code still makes: named file to file, with why it stays. */
export interface BoundaryException {
  from: string;
  to: string;
  why: string;
}

/**
 * Every exception, visible. Each must still be in use (the test fails on a stale one, so
 * whoever removes the import removes the line); a new violation is never covered by an old one.
 */
export const EXCEPTIONS: readonly BoundaryException[] = [
  // Sources still decode journalctl's JSON: the cursor check needs each entry's cursor as it is read.
  { from: 'sources/journal-reader.ts', to: 'parsers/journal-entry.ts', why: 'the journal reader parses journalctl JSON (its cursor protocol needs each entry parsed)' },
  { from: 'sources/journal-source.ts', to: 'parsers/journal-entry.ts', why: 'the journal source hands on parsed JournalEntry values' },
  // Smaller leftovers: each a helper used across a boundary.
  { from: 'sources/journal-source.ts', to: 'telemetry/journal-health.ts', why: 'the journal reader reports its state in a type telemetry/ defines (it belongs in sources/, which telemetry may read)' },
  { from: 'sources/journalctl-supervisor.ts', to: 'telemetry/journal-health.ts', why: 'the same reader state type, where the supervisor sets it' },
  { from: 'export/logs/logs-target.ts', to: 'config/presets.ts', why: "a preset's logs URL and headers are worked out from the preset table when the log exporter is made; resolving them in config/ beside the traces URL is the next step" },
  { from: 'reconstruct/console-run-scopes.ts', to: 'parsers/json-object.ts', why: 'nonEmptyString on record meta' },
  { from: 'telemetry/pipeline-stats.ts', to: 'parsers/release-support.ts', why: 'the stats hold the counter of call failures old releases leave unmarked' },
  { from: 'telemetry/metrics-server.ts', to: 'config/listen-address.ts', why: 'the server parses the validated listen address again' },
];

/**
 * Folder cycles that exist today, each as its sorted folders. The test fails when one goes
 * (remove it here) and when a new one appears.
 */
export const KNOWN_FOLDER_CYCLES: readonly (readonly string[])[] = [];

/** What breaks the rule: each problem as a sentence naming the files and what to do. */
export function boundaryProblems(
  edges: readonly ImportEdge[],
  rules: Readonly<Record<string, FolderRule>> = RULES,
  exceptions: readonly BoundaryException[] = EXCEPTIONS,
  knownCycles: readonly (readonly string[])[] = KNOWN_FOLDER_CYCLES,
): string[] {
  const problems: string[] = [];
  const used = new Set<BoundaryException>();
  for (const edge of edges) {
    const from = folderOf(edge.from);
    const to = folderOf(edge.to);
    if (from === to) continue;
    const rule = rules[from];
    const allowed = rule !== undefined && (edge.typeOnly ? rule.types : rule.values).includes(to);
    if (allowed) continue;
    const exception = exceptions.find((e) => e.from === edge.from && e.to === edge.to);
    if (exception !== undefined) {
      used.add(exception);
      continue;
    }
    const kind = edge.typeOnly ? 'types' : 'values';
    problems.push(`${edge.from} imports ${kind} from ${edge.to}: ${from}/ may not import ${kind} from ${to}/ (move the shared part to model/, or pass it in from pipeline/)`);
  }
  for (const exception of exceptions) {
    if (!used.has(exception)) problems.push(`exception ${exception.from} -> ${exception.to} is no longer needed: remove it from EXCEPTIONS`);
  }

  const folderEdges = edges.map((e) => [folderOf(e.from), folderOf(e.to)] as const);
  const cycles = cyclesOf(folderEdges).map((c) => c.join(' <-> '));
  const known = knownCycles.map((c) => [...c].sort().join(' <-> '));
  for (const cycle of cycles) {
    if (known.includes(cycle)) continue;
    const through = edges.filter((e) => cycle.split(' <-> ').includes(folderOf(e.from)) && cycle.split(' <-> ').includes(folderOf(e.to)) && folderOf(e.from) !== folderOf(e.to));
    problems.push(`folder cycle ${cycle}, through: ${through.map((e) => `${e.from} -> ${e.to}`).join(', ')}`);
  }
  for (const cycle of known) {
    if (!cycles.includes(cycle)) problems.push(`folder cycle ${cycle} is gone: remove it from KNOWN_FOLDER_CYCLES`);
  }

  for (const cycle of cyclesOf(edges.map((e) => [e.from, e.to] as const))) {
    problems.push(`file cycle: ${cycle.join(' <-> ')} (move what both need into a file of its own)`);
  }
  return problems;
}
