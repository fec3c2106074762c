import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * The floor a backfill is measured against: a bare Node loop that streams the file (1 MiB
 * chunks, as otel-tail reads), splits it on '\n' bytes, decodes each line and JSON.parses it,
 * and does nothing else. Run as its own process: `node parse-baseline.js FILE [--gzip]`; prints
 * `{"lines":N,"bytes":B}` (B uncompressed).
 */
async function main(path: string, gzip: boolean): Promise<void> {
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  let source: Readable = file;
  if (gzip) {
    const gunzip = createGunzip();
    file.on('error', (error) => gunzip.destroy(error));
    source = file.pipe(gunzip);
  }
  let lines = 0;
  let bytes = 0;
  let rest: Buffer | undefined;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    const buffer = rest === undefined ? chunk : Buffer.concat([rest, chunk]);
    let start = 0;
    for (let newline = buffer.indexOf(10, start); newline !== -1; newline = buffer.indexOf(10, start)) {
      JSON.parse(buffer.toString('utf8', start, newline));
      lines++;
      start = newline + 1;
    }
    rest = start < buffer.length ? buffer.subarray(start) : undefined;
  }
  if (rest !== undefined) {
    JSON.parse(rest.toString('utf8'));
    lines++;
  }
  process.stdout.write(`${JSON.stringify({ lines, bytes })}\n`);
}

const [path, flag] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: parse-baseline FILE [--gzip]');
await main(path, flag === '--gzip');
