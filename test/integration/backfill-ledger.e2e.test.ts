import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_LOG } from '../support/fixtures.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';

/**
 * The ledger records what was delivered: per destination and per time window, never a run that sent
 * nothing, never an input with no OpenClaw record in it. Real processes, a real receiver.
 */

const ids = (spans: readonly ReceivedSpan[]): string[] => [...new Set(spans.map((s) => `${s.traceId}/${s.spanId}`))].sort();
const receivers: OtlpReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
async function receiver(): Promise<OtlpReceiver> {
  const r = await startOtlpReceiver();
  receivers.push(r);
  return r;
}
/** The sample copied to a temp dir (its mtime now: an --until before now is a part of it). */
function sampleCopy(): { dir: string; log: string; stateDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'otel-tail-ledger-'));
  const log = join(dir, 'openclaw-2026-11-21.log');
  copyFileSync(SAMPLE_LOG, log);
  return { dir, log, stateDir: join(dir, 'state') };
}

describe('backfill ledger: what was delivered, where, over which window', () => {
  it('a --since window with nothing in it records nothing: the full run after it sends every span', async () => {
    const r = await receiver();
    const { log, stateDir } = sampleCopy();
    const empty = await runCli(['backfill', '--state-dir', stateDir, '--since', '1h', '--endpoint', r.url, log]);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stderr).toMatch(/0 spans exported/);
    expect(r.spans).toHaveLength(0);
    const full = await runCli(['backfill', '--state-dir', stateDir, '--endpoint', r.url, log]);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stderr).not.toContain('already exported');
    expect(r.spans).toHaveLength(67);
  });

  it('an --until run records its window only: the full run after it sends the rest, and a third run skips the file naming where and when', async () => {
    const r = await receiver();
    const { log, stateDir } = sampleCopy();
    const part = await runCli(['backfill', '--state-dir', stateDir, '--until', '2026-11-21T16:51:20Z', '--endpoint', r.url, log]);
    expect(part.code, part.stderr).toBe(0);
    const sentFirst = r.spans.length;
    expect(sentFirst).toBeGreaterThan(0);
    expect(sentFirst).toBeLessThan(67);
    const full = await runCli(['backfill', '--state-dir', stateDir, '--endpoint', r.url, log]);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stderr).toContain(`sending ${log} again: the ledger holds it for ${r.url}/v1/traces only over until 2026-11-21T16:51:20.000Z`);
    expect(full.stderr).toContain('67 spans exported');
    const reference = await receiver();
    expect((await runCli(['backfill', '--endpoint', reference.url, SAMPLE_LOG])).code).toBe(0);
    expect(ids(r.spans)).toEqual(ids(reference.spans));
    const third = await runCli(['backfill', '--state-dir', stateDir, '--endpoint', r.url, log]);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toMatch(new RegExp(`skipped ${log}: already exported to ${r.url}/v1/traces on \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\(whole file;`));
    // An --until inside the delivered whole file is held by it.
    const inside = await runCli(['backfill', '--state-dir', stateDir, '--until', '2026-11-21T16:51:20Z', '--endpoint', r.url, log]);
    expect(inside.stderr).toContain('already exported');
    expect(r.spans).toHaveLength(sentFirst + 67);
  });

  it('a file sent to endpoint A is sent to endpoint B too; status names both destinations', async () => {
    const a = await receiver();
    const b = await receiver();
    const { log, stateDir } = sampleCopy();
    expect((await runCli(['backfill', '--state-dir', stateDir, '--endpoint', a.url, log])).code).toBe(0);
    const toB = await runCli(['backfill', '--state-dir', stateDir, '--endpoint', b.url, log]);
    expect(toB.code, toB.stderr).toBe(0);
    expect(toB.stderr).not.toContain('already exported');
    expect(a.spans).toHaveLength(67);
    expect(b.spans).toHaveLength(67);
    const againA = await runCli(['backfill', '--state-dir', stateDir, '--endpoint', a.url, log]);
    expect(againA.stderr).toContain(`already exported to ${a.url}/v1/traces on `);
    expect(a.spans).toHaveLength(67);
    const status = await runCli(['status', '--state-dir', stateDir]);
    expect(status.stdout).toMatch(new RegExp(`to ${a.url}/v1/traces: 1 file, [\\d.]+ KiB, last on \\d{4}-`));
    expect(status.stdout).toMatch(new RegExp(`to ${b.url}/v1/traces: 1 file, [\\d.]+ KiB, last on \\d{4}-`));
    // Credentials in the endpoint are not part of the destination written down.
    const withUser = await runCli(['backfill', '--state-dir', stateDir, '--endpoint', a.url.replace('http://', 'http://user:s3cret@'), log]);
    expect(withUser.stderr).toContain('already exported');
    expect(readFileSync(join(stateDir, 'backfill-ledger.json'), 'utf8')).not.toContain('s3cret');
  });

  it('printing to the console records nothing that would skip a send', async () => {
    const r = await receiver();
    const { log, stateDir } = sampleCopy();
    const printed = await runCli(['backfill', '--state-dir', stateDir, '--exporter', 'console', log]);
    expect(printed.code, printed.stderr).toBe(0);
    const sent = await runCli(['backfill', '--state-dir', stateDir, '--endpoint', r.url, log]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(r.spans).toHaveLength(67);
  });

  it('reads a version-1 ledger: its entries (no destination) are shown, never used to skip, and kept', async () => {
    const r = await receiver();
    const { log, stateDir } = sampleCopy();
    mkdirSync(stateDir, { recursive: true });
    const bytes = readFileSync(log);
    const identity = `${createHash('sha256').update(bytes.subarray(0, 64 * 1024)).digest('hex')}:${bytes.length}`;
    writeFileSync(join(stateDir, 'backfill-ledger.json'), JSON.stringify({ version: 1, files: { [identity]: { path: log, size: bytes.length, exportedAt: '2026-11-22T10:00:00.000Z' } } }));
    const before = await runCli(['status', '--state-dir', stateDir]);
    expect(before.stdout).toContain('1 file recorded by an older otel-tail without their destination: not used to skip anything');
    const sent = await runCli(['backfill', '--state-dir', stateDir, '--endpoint', r.url, log]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(r.spans).toHaveLength(67);
    const ledger = JSON.parse(readFileSync(join(stateDir, 'backfill-ledger.json'), 'utf8')) as { version: number; deliveries: { destination: string | null }[] };
    expect(ledger.version).toBe(2);
    expect(ledger.deliveries.map((d) => d.destination)).toEqual([null, `${r.url}/v1/traces`]);
  });

  it('says what is wrong with a ledger whose fields have the wrong type', async () => {
    const { log, stateDir } = sampleCopy();
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, 'backfill-ledger.json'), JSON.stringify({ version: 2, deliveries: [{ identity: 'x', path: log, size: '12', destination: null, exportedAt: 'y' }] }));
    const result = await runCli(['backfill', '--state-dir', stateDir, '--endpoint', 'http://127.0.0.1:9', log]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('deliveries[0]: "size" is a string, expected a number');
  });
});

describe('backfill of input that holds no OpenClaw record', () => {
  const cases: [string, (dir: string) => string, RegExp][] = [
    ['an empty file', (dir) => write(join(dir, 'empty.log'), ''), /empty\.log: no OpenClaw record or event in it; it looks like empty/],
    ['/etc/passwd', () => '/etc/passwd', /\/etc\/passwd: no OpenClaw record or event in it; it looks like plain text \(first line: "root:/],
    ['a binary file', (dir) => write(join(dir, 'blob.bin'), Buffer.from([0, 1, 2, 0xff, 0xfe, 0, 10, 0x80, 0, 0, 10])), /blob\.bin: no OpenClaw record or event in it; it looks like binary data/],
    [
      'nginx JSON',
      (dir) => write(join(dir, 'access.json'), '{"time_local":"21/Nov/2026:16:49:45 +0000","remote_addr":"10.0.0.1","request":"GET / HTTP/1.1","status":200}\n'.repeat(3)),
      /access\.json: no OpenClaw record or event in it; it looks like JSON lines that are not OpenClaw's \(first line: "\{\\"time_local/,
    ],
    [
      'a directory holding only README.txt',
      (dir) => {
        mkdirSync(join(dir, 'docs'));
        write(join(dir, 'docs', 'README.txt'), 'These are the docs.\nNothing to see.\n');
        return join(dir, 'docs');
      },
      /README\.txt: no OpenClaw record or event in it; it looks like plain text \(first line: "These are the docs\."\)/,
    ],
  ];
  for (const [what, make, looked] of cases) {
    it(`exits 2 for ${what}, saying what it looked like and the three streams otel-tail reads, and records nothing`, async () => {
      const r = await receiver();
      const dir = mkdtempSync(join(tmpdir(), 'otel-tail-foreign-'));
      const stateDir = join(dir, 'state');
      const result = await runCli(['backfill', '--state-dir', stateDir, '--endpoint', r.url, make(dir)]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(looked);
      expect(result.stderr).toContain("nothing read was OpenClaw's, so nothing was sent");
      expect(result.stderr).toMatch(/its file log .*its console in journald .*its diagnostic events/);
      expect(existsSync(join(stateDir, 'backfill-ledger.json'))).toBe(false);
      expect(r.requests).toHaveLength(0);
    });
  }

  it('names a foreign input beside OpenClaw logs, sends the logs, and records only them', async () => {
    const r = await receiver();
    const { dir, log, stateDir } = sampleCopy();
    write(join(dir, 'README.txt'), 'notes\n');
    const result = await runCli(['backfill', '--state-dir', stateDir, '--endpoint', r.url, dir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`${join(dir, 'README.txt')}: no OpenClaw record or event in it; it looks like plain text`);
    expect(r.spans).toHaveLength(67);
    const ledger = readFileSync(join(stateDir, 'backfill-ledger.json'), 'utf8');
    expect(ledger).toContain(log);
    expect(ledger).not.toContain('README.txt');
  });
});

function write(path: string, content: string | Buffer): string {
  writeFileSync(path, content);
  return path;
}
