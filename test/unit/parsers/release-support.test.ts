import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLine } from '../../../src/parsers/parse-line.js';
import { isPreTraceLog, isPreTraceRecord, preTraceLogMessage, UnmarkedCallFailures } from '../../../src/parsers/release-support.js';
import { EVENTS_FIXTURE, fixturePath, SAMPLE_LOG } from '../../support/fixtures.js';
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

describe('release-support: events that do not mark failed calls (before 2026.9.1)', () => {
  const observed = (paths: readonly string[]): UnmarkedCallFailures => {
    const check = new UnmarkedCallFailures();
    for (const path of paths) {
      for (const line of lines(path)) {
        const parsed = parseLine(line);
        if (parsed.kind === 'diagnostic') check.observe(parsed.event.type, parsed.event.fields);
      }
    }
    return check;
  };

  it('says it once for the events of 4.27, 5.28 and 8.2 alone, whose failed turn has only model.call.completed', () => {
    for (const release of ['2026.4.27', '2026.5.28', '2026.8.2']) {
      const raw = lines(releaseFile(release, 'events.jsonl'));
      // The raw stream: no model.call.error, a run end logged as an error.
      expect(raw.some((line) => line.includes('"model.call.error"'))).toBe(false);
      expect(raw.some((line) => line.includes('"event":"embedded_run_agent_end"') && line.includes('"isError":true'))).toBe(true);
      const check = observed([releaseFile(release, 'events.jsonl')]);
      expect(check.notice(false)).toMatch(/before 2026\.9\.1 report a failed model call .* as model\.call\.completed/);
      expect(check.notice(true)).toBeUndefined();
    }
  });

  it('says nothing for 2026.9.x events, which mark failed calls', () => {
    const plugin = fixturePath('openclaw-2026.9.6-plugin/events');
    expect(observed([EVENTS_FIXTURE, ...readdirSync(plugin).map((name) => join(plugin, name))]).notice(false)).toBeUndefined();
    const check = new UnmarkedCallFailures();
    check.observe('log.record', { attributes: { event: 'embedded_run_agent_end', isError: true } });
    expect(check.notice(false)).toMatch(/^1 agent run attempts failed/);
    check.observe('model.call.error', {});
    expect(check.notice(false)).toBeUndefined();
  });
});
