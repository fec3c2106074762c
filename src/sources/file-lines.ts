import { createReadStream, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, type Transform } from 'node:stream';
import { createGunzip, type ZlibOptions } from 'node:zlib';
import type { RawLine } from '../model/raw-line.js';
import { LineSplitter } from './line-splitter.js';

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
/**
 * Bytes per read of a file (plain or compressed), and a quarter of gunzip's output chunk (zlib's
 * default is 16 KiB): each chunk costs a hand-over through the stream, the line splitter and the
 * pipeline, so small ones cost the backfill of a .gz about a third of its time.
 */
const CHUNK_BYTES = 1 << 18;

/**
 * gunzip's output: 1 MiB per inflate call on libuv's pool, and up to 2 MiB inflated ahead of the
 * reader. Each chunk is handed over through the event loop: in a 97 MB `.gz` backfill the reader
 * waited ~285 ms in all for 402 chunks of 256 KiB, ~190 ms for 123 of 1 MiB. Wall 1.40 → 1.36 s
 * (median of 15, interleaved).
 * (Node's zlib hands its options on to the Transform, readableHighWaterMark included; ZlibOptions'
 * type leaves that one out.)
 */
function gunzip(): Transform {
  return createGunzip({ chunkSize: 4 * CHUNK_BYTES, readableHighWaterMark: 8 * CHUNK_BYTES } as ZlibOptions);
}

/**
 * Reads a file (plain or gzip, told apart by its magic bytes) to its end,
 * line by line. `onDiskBytes` is told how many bytes were read from disk
 * (compressed ones for a .gz), for progress.
 */
export async function* readFileLines(path: string, maxLineBytes: number, onDiskBytes?: (bytes: number) => void): AsyncGenerator<RawLine[]> {
  yield* readStreamLines(await openLogFile(path, onDiskBytes), maxLineBytes);
}

/**
 * A file's bytes in chunks, for reading it once, front to back (backfill): a gzip file through
 * gunzip (openLogFile), a plain one by `readPlainChunks`. A chunk is valid only until the next
 * is asked for (a plain file's buffer is reused): the caller copies what it keeps.
 */
export async function readLogChunks(path: string, onDiskBytes?: (bytes: number) => void): Promise<AsyncIterable<Buffer>> {
  return (await isGzip(path)) ? fileStream(path, true, onDiskBytes) : readPlainChunks(path, onDiskBytes);
}

/**
 * A plain file's bytes through one reused buffer, read synchronously. A stream allocates a fresh
 * buffer per chunk instead: the kernel then maps and zeroes new pages for every chunk, which cost
 * a 97 MB backfill ≈ 0.2 s of CPU (mostly system time) against ≈ 0.03 s this way. A read from
 * the page cache takes tens of microseconds; handed to libuv's thread pool, each one also waited
 * for a pool thread to get a core, which the backfill's other threads keep busy: the main thread
 * sat idle for ~80 ms of a 97 MB backfill (1.47 → 1.39 s, median of 11). The event loop still runs
 * at least every YIELD_AFTER_MS (progress, the export worker's answers).
 */
export async function* readPlainChunks(path: string, onDiskBytes?: (bytes: number) => void): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let yieldedAt = performance.now();
  try {
    for (;;) {
      const bytesRead = readSync(handle.fd, buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) return;
      onDiskBytes?.(bytesRead);
      yield buffer.subarray(0, bytesRead);
      if (performance.now() - yieldedAt >= YIELD_AFTER_MS) {
        await new Promise((done) => setImmediate(done));
        yieldedAt = performance.now();
      }
    }
  } finally {
    await handle.close();
  }
}

/** How long reading may keep the event loop from running. */
const YIELD_AFTER_MS = 20;

/** A file's bytes, gunzipped when its first bytes are gzip's magic. */
export async function openLogFile(path: string, onDiskBytes?: (bytes: number) => void): Promise<Readable> {
  // Check first: a stream created before an await that throws would emit its own error with no listener.
  return fileStream(path, await isGzip(path), onDiskBytes);
}

function fileStream(path: string, gzip: boolean, onDiskBytes?: (bytes: number) => void): Readable {
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  if (onDiskBytes !== undefined) file.on('data', (chunk) => onDiskBytes(chunk.length));
  if (!gzip) return file;
  const inflate = gunzip();
  // pipe() does not forward a read error; without this a failing disk would hang the gunzip side.
  file.on('error', (error) => inflate.destroy(error));
  return file.pipe(inflate);
}

/** Lines of any byte stream, in batches (one per chunk) so the caller pays one await per chunk, not per line. */
export async function* readStreamLines(stream: Readable, maxLineBytes: number): AsyncGenerator<RawLine[]> {
  const splitter = new LineSplitter(maxLineBytes);
  let batch: RawLine[] = [];
  const collect = (line: RawLine): void => {
    batch.push(line);
  };
  for await (const chunk of stream) {
    splitter.push(chunk as Buffer, collect);
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  splitter.end(collect);
  if (batch.length > 0) yield batch;
}

/** Standard input (or any stream), gunzipped when its first bytes are gzip's magic; undefined when it is empty. */
export async function openInput(stream: Readable): Promise<Readable | undefined> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await chunks.next();
  if (first.done === true) return undefined;
  const head = first.value;
  const all = Readable.from(
    (async function* () {
      yield head;
      for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) yield next.value;
    })(),
  );
  if (head[0] !== GZIP_MAGIC_0 || head[1] !== GZIP_MAGIC_1) return all;
  const inflate = gunzip();
  all.on('error', (error) => inflate.destroy(error));
  return all.pipe(inflate);
}

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
  } finally {
    await handle.close();
  }
}
