import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPreTraceLog, isPreTraceRecord, preTraceLogMessage } from '../../../src/parsers/release-support.js';
import { SAMPLE_LOG } from '../../support/fixtures.js';
import { RELEASES, releaseFile } from '../../support/release-runs.js';

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter((line) => line.length > 0);

describe('release-support: file logs written before 2026.4', () => {
  it('tells the 2026.3.22 file log from those of 2026.4.27, 5.28, 8.2 and 9.6', () => {
    const verdicts = Object.fromEntries(RELEASES.map((release) => [release, isPreTraceLog(lines(releaseFile(release, 'file-log.jsonl')))]));
    expect(verdicts).toEqual({ '2026.3.22': true, '2026.4.27': false, '2026.5.28': false, '2026.8.2': false });
    expect(isPreTraceLog(lines(SAMPLE_LOG))).toBe(false);
  });

  it('needs every record of the peek in that shape, and at least one record', () => {
    const old = lines(releaseFile('2026.3.22', 'file-log.jsonl'));
    const current = lines(SAMPLE_LOG)[0] as string;
    expect(isPreTraceLog([...old.slice(0, 5), current])).toBe(false);
    expect(isPreTraceLog(['plain text', '{"type":"run.started","ts":1}'])).toBe(false);
    expect(isPreTraceLog([])).toBe(false);
    expect(isPreTraceRecord('{"0":"x","_meta":{},"time":"2026-03-01T00:00:00Z"}')).toBe(true);
    expect(isPreTraceRecord('{"0":"x","_meta":{},"time":"2026-03-01T00:00:00Z","message":"x"}')).toBe(false);
    expect(isPreTraceRecord('{"0":"x","_meta":{},"time":"2026-03-01T00:00:00Z"')).toBe(false);
  });

  it('names the file, the release range, why, and what to use instead', () => {
    const message = preTraceLogMessage(['a.log']);
    expect(message).toMatch(/^a\.log: written by an OpenClaw release before 2026\.4/);
    expect(message).toMatch(/no trace ids/);
    expect(message).toMatch(/--journal/);
    expect(preTraceLogMessage(['a.log', 'b.log'])).toMatch(/^2 files \(a\.log, b\.log\)/);
  });
});
