import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, renameSync, truncateSync, unlinkSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Plays an OpenClaw gateway writing its rolling file log into a real directory:
 * appends lines in pieces of random size (a piece can end mid-line, even
 * mid-character) with short pauses, and rotates the way OpenClaw and logrotate
 * do (OPENCLAW.md §6). Rotations happen between whole lines, as the gateway
 * writes a line with one append; a reader still sees partial lines, because a
 * piece can stop anywhere.
 */
export interface LogWriterOptions {
  dir: string;
  /** File name without `.log`: `openclaw-2026-11-21` (or `openclaw-<profile>-<date>`). */
  stem: string;
  /** Seeds the piece sizes and pauses, so a failing run can be replayed. */
  seed: number;
  /** Largest piece appended at once. Default 6000 bytes. */
  maxPieceBytes?: number;
  /** Longest pause between two pieces. Default 12 ms. */
  maxPauseMs?: number;
  /** Rename rotation keeps `.1.log` … `.N.log`; the oldest beyond N is deleted. Default 5, as OpenClaw. */
  keepRotated?: number;
}

export interface AppendOptions {
  /** Leave the last line half written; the next append (or `finishLine`) writes the rest. */
  stopMidLine?: boolean;
  /** Append in one piece per this many bytes with no pause (bulk volume, not timing). */
  bulk?: boolean;
}

export class LogWriter {
  /** Every line written whole so far, in order, whichever file it went to: what a backfill must see. */
  readonly written: string[] = [];
  private stemName: string;
  private tail: Buffer | undefined;
  private tailLine: string | undefined;
  private readonly random: () => number;

  constructor(private readonly options: LogWriterOptions) {
    this.stemName = options.stem;
    this.random = mulberry32(options.seed);
  }

  /** The file being written now. */
  get path(): string {
    return join(this.options.dir, `${this.stemName}.log`);
  }

  rotatedPath(n: number): string {
    return join(this.options.dir, `${this.stemName}.${n}.log`);
  }

  /** True while a line is half written. */
  get midLine(): boolean {
    return this.tail !== undefined;
  }

  async append(lines: readonly string[], options: AppendOptions = {}): Promise<void> {
    const pieces: Buffer[] = [];
    if (this.tail !== undefined) pieces.push(this.tail);
    const whole = options.stopMidLine === true ? lines.slice(0, -1) : lines;
    if (whole.length > 0) pieces.push(Buffer.from(whole.map((line) => `${line}\n`).join(''), 'utf8'));
    let unfinished: { line: string; rest: Buffer } | undefined;
    if (options.stopMidLine === true) {
      const line = lines.at(-1);
      if (line === undefined) throw new Error('stopMidLine needs at least one line');
      const bytes = Buffer.from(`${line}\n`, 'utf8');
      // Cut inside the line, never at its very start or after its newline.
      const cut = 1 + Math.floor(this.random() * (bytes.length - 2));
      pieces.push(bytes.subarray(0, cut));
      unfinished = { line, rest: bytes.subarray(cut) };
    }
    const data = Buffer.concat(pieces);
    if (options.bulk === true) {
      for (let at = 0; at < data.length; at += 1 << 20) await appendFile(this.path, data.subarray(at, at + (1 << 20)));
    } else {
      await this.appendInPieces(data);
    }
    if (this.tailLine !== undefined) this.written.push(this.tailLine);
    for (const line of whole) this.written.push(line); // not push(...whole): a flood has more lines than a call has arguments
    this.tail = unfinished?.rest;
    this.tailLine = unfinished?.line;
  }

  /** Writes the rest of a half-written line. */
  async finishLine(): Promise<void> {
    await this.append([]);
  }

  /** OpenClaw's size rotation: `.N.log` → `.N+1.log` (oldest first), `X.log` → `X.1.log`; the next line starts a new `X.log`. */
  rotateRename(): void {
    this.atLineEnd('rename rotation');
    const keep = this.options.keepRotated ?? 5;
    if (existsSync(this.rotatedPath(keep))) unlinkSync(this.rotatedPath(keep));
    for (let n = keep - 1; n >= 1; n--) if (existsSync(this.rotatedPath(n))) renameSync(this.rotatedPath(n), this.rotatedPath(n + 1));
    renameSync(this.path, this.rotatedPath(1));
  }

  /** A new dated file (first write after midnight): the old file stays as it is. */
  rollTo(stem: string): void {
    this.atLineEnd('date roll');
    this.stemName = stem;
  }

  /** logrotate's copytruncate: copy `X.log` to `X.1.log` (older copies shifted), then truncate `X.log` to 0 and keep appending to it. */
  copyTruncate(): void {
    this.atLineEnd('copytruncate');
    const keep = this.options.keepRotated ?? 5;
    if (existsSync(this.rotatedPath(keep))) unlinkSync(this.rotatedPath(keep));
    for (let n = keep - 1; n >= 1; n--) if (existsSync(this.rotatedPath(n))) renameSync(this.rotatedPath(n), this.rotatedPath(n + 1));
    copyFileSync(this.path, this.rotatedPath(1));
    truncateSync(this.path, 0);
  }

  /** Deletes the file being written (retention, or an operator); the next line starts a new file at the same path. */
  deleteCurrent(): void {
    this.atLineEnd('delete');
    unlinkSync(this.path);
  }

  private async appendInPieces(data: Buffer): Promise<void> {
    const maxPiece = this.options.maxPieceBytes ?? 6000;
    const maxPause = this.options.maxPauseMs ?? 12;
    for (let at = 0; at < data.length; ) {
      const size = 1 + Math.floor(this.random() * maxPiece);
      await appendFile(this.path, data.subarray(at, at + size));
      at += size;
      const pause = Math.floor(this.random() * (maxPause + 1));
      if (pause > 0) await sleep(pause);
    }
  }

  private atLineEnd(what: string): void {
    if (this.tail !== undefined) throw new Error(`${what} while a line is half written: the gateway writes whole lines`);
  }
}

/** A small, seedable PRNG (mulberry32), so piece sizes and pauses replay exactly. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RpcTraceOptions {
  /** Distinguishes one generated set from another (ids are derived from it). */
  label: string;
  count: number;
  /** WARN lines before each trace's `⇄ res` line; each becomes a span event of about 1 KB. */
  warnLines: number;
  /** Log time of the first line; each line is 1 ms after the previous one. */
  startMs: number;
}

/**
 * Gateway RPC traces in OpenClaw's tslog format, each complete on its `⇄ res`
 * line: one `openclaw.rpc <method>` span per trace, with one `log` event per
 * WARN line. Ids are fresh (sha256 of the label and the index), so these never
 * collide with the sample's traces; used where a test needs more lines or
 * more memory than the sample holds.
 */
export function rpcTraceLines(options: RpcTraceOptions): string[] {
  const lines: string[] = [];
  let t = options.startMs;
  const padding = 'x'.repeat(960);
  for (let i = 0; i < options.count; i++) {
    const traceId = digest(`${options.label} trace ${i}`, 32);
    const spanId = digest(`${options.label} span ${i}`, 16);
    for (let k = 0; k < options.warnLines; k++) {
      lines.push(tslogLine({ t: t++, subsystem: 'session-sqlite', level: 'WARN', message: `slow SQLite session write #${k} ${padding}`, traceId, spanId }));
    }
    lines.push(tslogLine({ t: t++, subsystem: 'gateway/ws', level: 'INFO', message: `⇄ res ✓ sessions.list 5ms conn=${options.label} id=2:${i}`, traceId, spanId }));
  }
  return lines;
}

function tslogLine(f: { t: number; subsystem: string; level: 'INFO' | 'WARN'; message: string; traceId: string; spanId: string }): string {
  const iso = new Date(f.t).toISOString();
  const name = JSON.stringify({ subsystem: f.subsystem });
  return JSON.stringify({
    0: name,
    1: f.message,
    _meta: { runtime: 'node', hostname: 'vm', date: iso, logLevelId: f.level === 'WARN' ? 4 : 3, logLevelName: f.level, name, parentNames: ['openclaw'] },
    time: iso.replace('Z', '+00:00'),
    hostname: 'vm',
    message: f.message,
    traceId: f.traceId,
    spanId: f.spanId,
    traceFlags: '01',
  });
}

function digest(text: string, hexChars: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, hexChars);
}
