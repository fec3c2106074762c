import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver.js';
import { fixturePath, SAMPLE_LOG } from '../support/fixtures.js';
import { runCli } from '../support/run-cli.js';

const META = '"_meta":{"date":"2026-11-21T16:50:30.000Z","logLevelName":"INFO","name":"openclaw"}';

/** One of each kind of bad line, as bytes. Each must be skipped and counted. */
const BAD_LINES: readonly Buffer[] = [
  Buffer.from([0x00, 0x01, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x7f]),
  Buffer.from('{"0":"{\\"subsystem\\":\\"diagnostic\\"}","1":"message received: channel=webch'),
  Buffer.from(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
  Buffer.from(`{"0":"${'x'.repeat(10 * 1024 * 1024)}",${META}}`),
  Buffer.concat([Buffer.from('{"0":"bad '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(`",${META}}`)]),
  Buffer.from('{"type":"brand.new.event","ts":1795279830000,"seq":1,"trace":{"traceId":"33ed4075bbfd3e5b7e328aadd54a642c","spanId":"6698131bcbbed823"}}'),
  Buffer.from('{"__proto__":{"polluted":true},"hello":"world"}'),
  Buffer.from(`{"__proto__":{"polluted":true},"0":"lane enqueue: lane=main queueSize=1",${META}}`),
  Buffer.from(`{"0":"lane enqueue: lane=main queueSize=1",${META},"traceId":"33ed4075bbfd3e5b7e328aadd54a642c","spanId":"not-hex-not-hex!"}`),
  Buffer.from(`{"0":"lane enqueue: lane=main queueSize=1","_meta":{"date":"never"},"time":"soon","traceId":"33ed4075bbfd3e5b7e328aadd54a642c","spanId":"6698131bcbbed823"}`),
  Buffer.from('plain text printed by something else'),
];

let receiver: OtlpReceiver;
let dir: string;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  dir = mkdtempSync(join(tmpdir(), 'otel-tail-bad-'));
});
afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

function comparable(spans: readonly ReceivedSpan[]): unknown[] {
  return spans
    .map((s) => ({ ...s, events: s.events.length }))
    .sort((a, b) => (a.spanId < b.spanId ? -1 : 1));
}

describe('bad input around good lines', () => {
  it('skips and counts every bad line; the good lines give exactly the spans they give alone', async () => {
    const clean = await runCli(['backfill', '--endpoint', receiver.url, SAMPLE_LOG]);
    expect(clean.code).toBe(0);
    const reference = comparable(receiver.spans);
    receiver.spans.length = 0;

    // Interleave the bad lines between the sample's lines, spread over the file.
    const good = readFileSync(SAMPLE_LOG).toString('utf8').split('\n').filter((l) => l.length > 0);
    const parts: Buffer[] = [];
    const every = Math.floor(good.length / BAD_LINES.length);
    good.forEach((line, i) => {
      parts.push(Buffer.from(`${line}\n`));
      const bad = i % every === 0 ? BAD_LINES[i / every] : undefined;
      if (bad !== undefined) parts.push(bad, Buffer.from('\n'));
    });
    const path = join(dir, 'mixed.log');
    writeFileSync(path, Buffer.concat(parts));

    const mixed = await runCli(['backfill', '--endpoint', receiver.url, path]);
    expect(mixed.code).toBe(0);
    expect(mixed.stderr).toContain(`${good.length + BAD_LINES.length} lines read`);
    // The deeply nested line is valid JSON of no known shape (V8 parses it without recursing): counted as other.
    const rejected = /(\d+) rejected \(([^)]*)\)/.exec(mixed.stderr);
    expect(rejected?.[1]).toBe('6');
    expect(Object.fromEntries((rejected?.[2] ?? '').split(' ').map((pair) => pair.split('=')))).toEqual({
      binary: '1',
      invalid_json: '1',
      too_long: '1',
      invalid_utf8: '1',
      bad_trace_id: '1',
      bad_time: '1',
    });
    expect(mixed.stderr).toMatch(/skipped too_long lines; the first was .*mixed\.log:\d+: line of 10485\d+ bytes exceeds the 1048576-byte limit/);
    // Valid JSON of no known shape, an event type not known yet, plain text: not rejected, but named at the end.
    const other = /(\d+) lines were neither OpenClaw records nor diagnostic events, and were skipped \(([^)]*)\)(.*)/.exec(mixed.stderr);
    expect(other?.[1]).toBe('4');
    expect(Object.fromEntries((other?.[2] ?? '').split(' ').map((pair) => pair.split('=')))).toEqual({ unknown_json: '2', unknown_event_type: '1', plain_text: '1' });
    expect(other?.[3]).toContain('a newer OpenClaw?');
    expect(other?.[3]).not.toContain('nothing else was found');
    expect(comparable(receiver.spans)).toEqual(reference);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('exits 2 when nothing in the input was an OpenClaw record or event (console output given as a file log), naming the journald stream', async () => {
    const result = await runCli(['backfill', '--dry-run', fixturePath('openclaw-2026.9.6/console.stdout.txt')]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('console.stdout.txt: no OpenClaw record or event in it; it looks like plain text');
    expect(result.stderr).toContain('its console in journald (--journal openclaw-gateway)');
    // Said once per input and once at the end; the count of skipped lines does not ask the same question a third time.
    expect(result.stderr).toMatch(/(\d+) lines were neither OpenClaw records nor diagnostic events, and were skipped \(plain_text=\1\)\n/);
    expect(result.stderr).not.toContain('nothing else was found');
    expect(result.stderr).toContain("nothing read was OpenClaw's, so nothing was sent");
    expect(result.stderr).toContain('0 traces');
  });
});
