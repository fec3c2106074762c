// Appends diagnostic events as JSON lines, batched and asynchronous, without ever blocking or
// throwing into the gateway. Plain ESM JavaScript with no dependencies: the gateway loads it as is.
import { appendFile, rename, stat, unlink, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export const DEFAULTS = Object.freeze({
  maxFileBytes: 50 * 1024 * 1024,
  maxFiles: 5,
  maxQueue: 10_000,
  flushIntervalMs: 200,
  flushBytes: 256 * 1024,
});

/** The line written after events were dropped (agreed with otel-tail's reader: do not change). */
export const DROPPED_EVENT_TYPE = 'otel-tail.events.dropped';

/** `events-YYYY-MM-DD.jsonl` for the local date of `ms` (a new file starts after local midnight, as OpenClaw's log). */
export function eventsFileName(ms, index = 0) {
  const d = new Date(ms);
  const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return index === 0 ? `events-${day}.jsonl` : `events-${day}.${index}.jsonl`;
}

function positiveInt(value, fallback) {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}

/**
 * A bounded queue of serialised lines and one writer draining it. `push` only serialises and
 * enqueues (a full queue drops and counts); writing happens on a timer, off the caller's path.
 */
export class EventsWriter {
  /**
   * @param {object} options
   * @param {string} [options.dir] directory of the events files (required unless `stdout`)
   * @param {{ write(chunk: string, cb?: (err?: Error | null) => void): boolean }} [options.stdout] write lines here instead of files
   * @param {number} [options.maxFileBytes]
   * @param {number} [options.maxFiles] rotated files kept (`.1` … `.maxFiles`)
   * @param {number} [options.maxQueue] events held while waiting for the disk; more are dropped
   * @param {number} [options.flushIntervalMs]
   * @param {number} [options.flushBytes] queued bytes that trigger a write before the interval
   * @param {() => number} [options.now]
   * @param {(message: string) => void} [options.warn] told once per kind of failure
   */
  constructor(options = {}) {
    this.dir = options.dir;
    this.out = options.stdout;
    this.maxFileBytes = positiveInt(options.maxFileBytes, DEFAULTS.maxFileBytes);
    this.maxFiles = positiveInt(options.maxFiles, DEFAULTS.maxFiles);
    this.maxQueue = positiveInt(options.maxQueue, DEFAULTS.maxQueue);
    this.flushIntervalMs = positiveInt(options.flushIntervalMs, DEFAULTS.flushIntervalMs);
    this.flushBytes = positiveInt(options.flushBytes, DEFAULTS.flushBytes);
    this.now = options.now ?? Date.now;
    this.warn = options.warn ?? (() => {});
    this.queue = [];
    this.queuedBytes = 0;
    /** Dropped since the last dropped-line was written. */
    this.droppedPending = 0;
    this.stats = { written: 0, dropped: 0, rotations: 0, writeErrors: 0, unserialisable: 0 };
    this.timer = undefined;
    this.flushing = undefined;
    this.again = false;
    this.warned = new Set();
    this.madeDir = false;
  }

  /** Queue one event (and the listener's metadata, if any). Never throws, never waits. */
  push(event, metadata) {
    try {
      if (this.queue.length >= this.maxQueue) {
        this.droppedPending += 1;
        this.stats.dropped += 1;
        this.schedule(0);
        return;
      }
      const line = metadata === undefined ? JSON.stringify(event) : JSON.stringify({ event, metadata });
      if (typeof line !== 'string') return;
      this.queue.push(line);
      this.queuedBytes += line.length + 1;
      this.schedule(this.queuedBytes >= this.flushBytes ? 0 : this.flushIntervalMs);
    } catch (error) {
      // A value JSON cannot hold (a cycle, a BigInt): the event is lost, and counted as dropped.
      this.stats.unserialisable += 1;
      this.stats.dropped += 1;
      this.droppedPending += 1;
      this.warnOnce('serialise', `an event could not be serialised and was dropped: ${String(error)}`);
    }
  }

  schedule(delayMs) {
    if (this.flushing !== undefined) {
      this.again = true;
      return;
    }
    if (this.timer !== undefined) {
      if (delayMs > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    this.timer.unref?.();
  }

  /** Writes everything queued so far. Resolves when written (or failed, counted); never rejects. */
  flush() {
    if (this.flushing !== undefined) {
      this.again = true;
      return this.flushing.then(() => this.flush());
    }
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queue.length === 0 && this.droppedPending === 0) return Promise.resolve();
    const lines = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    if (this.droppedPending > 0) {
      lines.push(JSON.stringify({ type: DROPPED_EVENT_TYPE, ts: this.now(), dropped: this.droppedPending }));
      this.droppedPending = 0;
    }
    this.flushing = this.writeLines(lines)
      .catch((error) => {
        // The batch is lost: count it so the next dropped-line records the gap.
        this.stats.writeErrors += 1;
        this.stats.dropped += lines.length;
        this.droppedPending += lines.length;
        this.warnOnce('write', `events could not be written to ${this.dir ?? 'stdout'}: ${String(error)}`);
      })
      .finally(() => {
        this.flushing = undefined;
        if (this.again || this.queue.length > 0) {
          this.again = false;
          if (this.queue.length > 0) this.schedule(this.queuedBytes >= this.flushBytes ? 0 : this.flushIntervalMs);
        }
      });
    return this.flushing;
  }

  /** Stops the timer and writes what is queued. */
  async close() {
    await this.flush();
    if (this.flushing !== undefined) await this.flushing;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  async writeLines(lines) {
    if (this.out !== undefined) {
      const text = `${lines.join('\n')}\n`;
      await new Promise((resolve, reject) => {
        this.out.write(text, (error) => (error ? reject(error) : resolve()));
      });
      this.stats.written += lines.length;
      return;
    }
    if (!this.madeDir) {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      this.madeDir = true;
    }
    const name = eventsFileName(this.now());
    const path = join(this.dir, name);
    let size = await fileSize(path);
    // Lines go out in chunks that each fit the current file; a rotation starts a fresh one.
    let chunk = '';
    let chunkLines = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line) + 1;
      if (size > 0 && size + bytes > this.maxFileBytes) {
        if (chunk !== '') await appendFile(path, chunk, { mode: 0o600 });
        this.stats.written += chunkLines;
        chunk = '';
        chunkLines = 0;
        await this.rotate(name);
        size = 0;
      }
      chunk += `${line}\n`;
      chunkLines += 1;
      size += bytes;
    }
    if (chunk !== '') await appendFile(path, chunk, { mode: 0o600 });
    this.stats.written += chunkLines;
  }

  /** OpenClaw's numbering: `.N` → `.N+1` (the oldest beyond maxFiles deleted), live → `.1`. */
  async rotate(name) {
    const base = name.slice(0, -'.jsonl'.length);
    const numbered = (n) => join(this.dir, `${base}.${n}.jsonl`);
    await ignoreMissing(unlink(numbered(this.maxFiles)));
    for (let n = this.maxFiles - 1; n >= 1; n -= 1) await ignoreMissing(rename(numbered(n), numbered(n + 1)));
    await ignoreMissing(rename(join(this.dir, name), numbered(1)));
    this.stats.rotations += 1;
  }

  warnOnce(kind, message) {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    try {
      this.warn(message);
    } catch {
      // A logger that throws must not take the writer down.
    }
  }
}

async function fileSize(path) {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if (error && error.code === 'ENOENT') return 0;
    throw error;
  }
}

async function ignoreMissing(promise) {
  try {
    await promise;
  } catch (error) {
    if (!error || error.code !== 'ENOENT') throw error;
  }
}
