import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/**
 * A real file log cut into literal text and the places that must change per copy: the record
 * times (`time`, `_meta.date`) and the ids (W3C trace and span ids, UUIDs such as sessionId and
 * runId, and the other run, message and tool-call ids the messages name).
 */
export interface LogTemplate {
  readonly parts: readonly (string | Slot)[];
  readonly bytes: number;
  readonly lines: number;
  /** Log time from the first record to the last, plus a second: copy k is shifted by k × this. */
  readonly periodMs: number;
}

type Slot =
  | { kind: 'time'; ms: number; suffix: string }
  | { kind: 'hex'; id: string }
  | { kind: 'uuid'; id: string }
  | { kind: 'name'; id: string };

export interface GeneratedLog {
  readonly path: string;
  /** The same bytes gzipped, when asked for. */
  readonly gzPath: string | undefined;
  readonly bytes: number;
  readonly lines: number;
  readonly copies: number;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const HAS_UUID = new RegExp(UUID);
const IS_UUID = new RegExp(`^${UUID}$`);
const TIME = /^"(time|date)":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})(Z|\+00:00)"$/;
/** Ids that are not UUIDs (`A-gamma-1`, `toolu_fake1`), in `key=value` text or in structured meta. */
const NAMED_ID = /\b(?:runId|messageId|toolCallId)(?:=|\\?":\\?")([^\s",\\]+)/g;

/** Reads the sample log once and finds every place a copy must rewrite. */
export function loadLogTemplate(file: string): LogTemplate {
  const text = readFileSync(file, 'utf8');
  const w3c = new Set<string>();
  let firstMs = Infinity;
  let lastMs = -Infinity;
  let lines = 0;
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    lines++;
    const record = JSON.parse(line) as Record<string, unknown>;
    for (const key of ['traceId', 'spanId', 'parentSpanId']) {
      const id = record[key];
      if (typeof id === 'string') w3c.add(id);
    }
    const ms = Date.parse(String(record['time']));
    if (Number.isFinite(ms)) {
      firstMs = Math.min(firstMs, ms);
      lastMs = Math.max(lastMs, ms);
    }
  }
  const names = new Set<string>();
  for (const match of text.matchAll(NAMED_ID)) {
    const id = match[1] ?? '';
    if (id !== 'unknown' && !HAS_UUID.test(id)) names.add(id);
  }
  const escaped = [...names].sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const alternatives = [
    String.raw`"(?:time|date)":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(?:Z|\+00:00)"`,
    UUID,
    String.raw`\b[0-9a-f]{32}\b`,
    String.raw`\b[0-9a-f]{16}\b`,
    ...(escaped.length > 0 ? [String.raw`(?<![\w-])(?:${escaped.join('|')})(?![\w-])`] : []),
  ];
  const slots = new RegExp(alternatives.join('|'), 'g');

  const parts: (string | Slot)[] = [];
  let literalFrom = 0;
  const push = (from: number, to: number, slot: Slot): void => {
    parts.push(text.slice(literalFrom, from), slot);
    literalFrom = to;
  };
  for (const match of text.matchAll(slots)) {
    const token = match[0];
    const at = match.index;
    const time = TIME.exec(token);
    if (time !== null) {
      const [, key = '', stamp = '', suffix = ''] = time;
      // Keep the key and quotes literal; only the timestamp moves.
      const start = at + key.length + 4;
      push(start, start + stamp.length + suffix.length, { kind: 'time', ms: Date.parse(`${stamp}Z`), suffix });
    } else if (IS_UUID.test(token)) {
      push(at, at + token.length, { kind: 'uuid', id: token });
    } else if (names.has(token)) {
      push(at, at + token.length, { kind: 'name', id: token });
    } else if (w3c.has(token)) {
      push(at, at + token.length, { kind: 'hex', id: token });
    }
    // Any other hex run (a hash, a fingerprint) is not an id of this run: left as it is.
  }
  parts.push(text.slice(literalFrom));
  if (!text.endsWith('\n')) parts.push('\n');
  return { parts, bytes: Buffer.byteLength(text), lines, periodMs: lastMs - firstMs + 1000 };
}

/**
 * Copy `copy` of the template: every id replaced by one derived from (copy, id), the same
 * replacement everywhere it occurs (so a span's parent is still its parent), and every time
 * shifted by copy × periodMs (copies follow each other; spacing within a copy is kept).
 */
export function renderCopy(template: LogTemplate, copy: number): string {
  const fresh = new Map<string, string>();
  const idFor = (slot: Exclude<Slot, { kind: 'time' }>): string => {
    let id = fresh.get(slot.id);
    if (id === undefined) {
      id = freshId(slot, copy);
      fresh.set(slot.id, id);
    }
    return id;
  };
  const shiftMs = copy * template.periodMs;
  let out = '';
  for (const part of template.parts) {
    if (typeof part === 'string') out += part;
    else if (part.kind === 'time') out += new Date(part.ms + shiftMs).toISOString().slice(0, 23) + part.suffix;
    else out += idFor(part);
  }
  return out;
}

function freshId(slot: Exclude<Slot, { kind: 'time' }>, copy: number): string {
  if (slot.kind === 'name') return `${slot.id}-c${copy}`;
  const hash = createHash('sha256').update(`${copy}\0${slot.id}`).digest('hex');
  if (slot.kind === 'hex') return hash.slice(0, slot.id.length);
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-4${hash.slice(13, 16)}-a${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
}

/**
 * Writes `copies` copies of the template to `path` (and gzipped to `gzPath`), one copy in
 * memory at a time: the file may be larger than the memory of the machine.
 */
export async function generateLog(template: LogTemplate, copies: number, path: string, gzPath?: string): Promise<GeneratedLog> {
  const plain = createWriteStream(path);
  const gzip = gzPath === undefined ? undefined : createGzip();
  const gzipped = gzip === undefined || gzPath === undefined ? undefined : pipeline(gzip, createWriteStream(gzPath));
  let bytes = 0;
  try {
    for (let copy = 0; copy < copies; copy++) {
      const chunk = Buffer.from(renderCopy(template, copy));
      bytes += chunk.length;
      await Promise.all([write(plain, chunk), gzip === undefined ? undefined : write(gzip, chunk)]);
    }
    plain.end();
    gzip?.end();
    await Promise.all([finished(plain), gzipped]);
  } catch (error) {
    plain.destroy();
    gzip?.destroy();
    await gzipped?.catch(() => undefined);
    throw error;
  }
  return { path, gzPath, bytes, lines: template.lines * copies, copies };
}

async function write(stream: Writable, chunk: Buffer): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}
