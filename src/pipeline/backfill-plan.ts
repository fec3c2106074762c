import { parseLine } from '../parsers/parse-line.js';
import { STDIN } from '../sources/expand-inputs.js';
import { readFileLines } from '../sources/file-lines.js';
import { decodeLine } from '../parsers/decode-line.js';

/** The files of one gateway host, in the order they are read: by the time of their first record. */
export interface HostGroup {
  /** `hostname` of the records ('' when none was found, or for standard input). */
  host: string;
  paths: string[];
  /** Time of the earliest first record in the group (Infinity when none was found). */
  firstMs: number;
  /** Those of `paths` that hold diagnostic events; with file-log paths beside them, the group's streams are merged. */
  eventPaths?: string[];
}

interface FileHead {
  path: string;
  host: string;
  firstMs: number;
  events?: boolean;
}

/** How far into a file to look for its first record with a time. */
const PEEK_LINES = 200;

/**
 * Orders backfill inputs so that a trace crossing a rotation boundary (the
 * `.1.log` → `.log` split, the midnight roll) is read in one go: files are
 * grouped by the gateway host their records name, each group ordered by the
 * time of its first record. Groups are read one after the other through a
 * reconstructor of their own, so several hosts never mix (their clocks and
 * traces are their own). Standard input comes last, as its own group.
 */
export async function planBackfill(paths: readonly string[], maxLineBytes: number): Promise<HostGroup[]> {
  const heads: FileHead[] = [];
  for (const path of paths) if (path !== STDIN) heads.push(await headOf(path, maxLineBytes));
  // Event lines name no host: with the file log of exactly one host beside them, they are that gateway's.
  const hosts = new Set(heads.filter((head) => head.host !== '').map((head) => head.host));
  const onlyHost = hosts.size === 1 ? [...hosts][0] : undefined;
  if (onlyHost !== undefined) for (const head of heads) if (head.events === true) head.host = onlyHost;
  const groups = new Map<string, FileHead[]>();
  for (const head of heads) {
    const group = groups.get(head.host);
    if (group === undefined) groups.set(head.host, [head]);
    else group.push(head);
  }
  const ordered = [...groups.values()].map((group) => group.sort((a, b) => a.firstMs - b.firstMs));
  ordered.sort((a, b) => (a[0]?.firstMs ?? 0) - (b[0]?.firstMs ?? 0));
  const plan: HostGroup[] = ordered.map((group) => {
    const planned: HostGroup = { host: group[0]?.host ?? '', paths: group.map((head) => head.path), firstMs: group[0]?.firstMs ?? Number.POSITIVE_INFINITY };
    const eventPaths = group.filter((head) => head.events === true).map((head) => head.path);
    if (eventPaths.length > 0) planned.eventPaths = eventPaths;
    return planned;
  });
  if (paths.includes(STDIN)) plan.push({ host: '', paths: [STDIN], firstMs: Number.POSITIVE_INFINITY });
  return plan;
}

async function headOf(path: string, maxLineBytes: number): Promise<FileHead> {
  let seen = 0;
  try {
    for await (const batch of readFileLines(path, maxLineBytes)) {
      for (const raw of batch) {
        if (++seen > PEEK_LINES) return { path, host: '', firstMs: Number.POSITIVE_INFINITY };
        const decoded = decodeLine(raw, maxLineBytes);
        if (!decoded.ok) continue;
        const parsed = parseLine(decoded.text);
        if (parsed.kind === 'log') return { path, host: parsed.record.hostname ?? '', firstMs: parsed.record.timeMs };
        if (parsed.kind === 'diagnostic') return { path, host: '', firstMs: parsed.event.ts, events: true };
      }
    }
  } catch {
    // Unreadable or truncated: it is read (and its error reported) in its turn.
  }
  return { path, host: '', firstMs: Number.POSITIVE_INFINITY };
}
