import { appendFileSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_BYTES, fingerprintOf, matchesHead } from '../../../src/sources/file-fingerprint.js';

async function fingerprint(path: string) {
  const handle = await open(path, 'r');
  try {
    return await fingerprintOf(handle);
  } finally {
    await handle.close();
  }
}

describe('file fingerprints', () => {
  it('identifies a file by its first bytes (capped) when its first line is long, surviving a rename', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-fp-'));
    writeFileSync(join(dir, 'openclaw-2026-11-21.log'), 'x'.repeat(FINGERPRINT_BYTES + 500));
    const before = await fingerprint(join(dir, 'openclaw-2026-11-21.log'));
    renameSync(join(dir, 'openclaw-2026-11-21.log'), join(dir, 'openclaw-2026-11-21.1.log'));
    const after = await fingerprint(join(dir, 'openclaw-2026-11-21.1.log'));
    expect(after).toEqual(before);
    expect(before?.length).toBe(FINGERPRINT_BYTES);
  });

  it('has no identity until its first line is complete; then the first line is its identity, unchanged as it grows', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'otel-tail-fp-')), 'a.log');
    writeFileSync(path, '');
    expect(await fingerprint(path)).toBeUndefined();
    appendFileSync(path, '{"first":');
    expect(await fingerprint(path)).toBeUndefined();
    appendFileSync(path, '"line"}\n');
    const short = await fingerprint(path);
    expect(short?.length).toBe(17);
    appendFileSync(path, 'y'.repeat(5000));
    expect(await fingerprint(path)).toEqual(short);
    const handle = await open(path, 'r');
    const head = Buffer.alloc(FINGERPRINT_BYTES);
    await handle.read(head, 0, head.length, 0);
    await handle.close();
    expect(matchesHead(short as NonNullable<typeof short>, head)).toBe(true);
    expect(matchesHead(short as NonNullable<typeof short>, Buffer.from('{"other":"line"}\n'))).toBe(false);
  });
});
