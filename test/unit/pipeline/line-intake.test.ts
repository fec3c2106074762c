import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLine } from '../../../src/parsers/parse-line.js';
import type { ParsedLine } from '../../../src/model/records.js';
import type { LogPosition } from '../../../src/export/logs/otlp-log-record.js';
import { LineIntake } from '../../../src/pipeline/line-intake.js';
import type { LineRef } from '../../../src/model/line-refs.js';
import { routeParsed } from '../../../src/pipeline/route-parsed.js';
import { DEFAULT_RECONSTRUCTOR_OPTIONS, Reconstructor } from '../../../src/reconstruct/reconstructor.js';
import { decodeBatch } from '../../../src/parsers/decoded-batch.js';
import { decodeLine } from '../../../src/parsers/decode-line.js';
import type { RawLine } from '../../../src/model/raw-line.js';
import { LineSplitter } from '../../../src/sources/line-splitter.js';
import { PipelineStats } from '../../../src/telemetry/pipeline-stats.js';
import { SAMPLE_LOG } from '../../support/fixtures.js';

const MAX_LINE_BYTES = 64 * 1024;
const SOURCE_KEY = 'dev:ino:fingerprint';
const META = '"_meta":{"date":"2026-11-21T16:50:30.000Z","logLevelName":"INFO","name":"{\\"subsystem\\":\\"cron\\"}"}';

/** An untraced record as OpenClaw writes it (the kind the pre-check takes), at `time`. */
const untraced = (time: string, text = 'cron: timer armed'): string => `{"0":"{\\"subsystem\\":\\"cron\\"}","1":"${text}",${META},"time":"${time}","hostname":"vm","message":"${text}"}`;

/** The sample with bad and borderline lines spread through it, then quiet-time untraced lines that expire what is still open. */
function input(): Buffer {
  const good = readFileSync(SAMPLE_LOG).toString('utf8').split('\n').filter((line) => line.length > 0);
  const odd: Buffer[] = [
    Buffer.from([0x00, 0x01, 0xde, 0xad]),
    Buffer.concat([Buffer.from('{"0":"bad '), Buffer.from([0xff, 0xfe]), Buffer.from(`",${META}}`)]),
    Buffer.from(untraced('2026-11-21T16:50:31.000+00:00').slice(0, -1)),
    Buffer.from(untraced('soon')),
    Buffer.from('{"0":"x","_meta":{"date":"never"},"time":"soon"}'),
    Buffer.from(untraced('2026-11-21T16:50:31.000+00:00', 'lane enqueue: lane=main queueSize=1')),
    Buffer.from(`{"0":"[openclaw] file log queue overflow; dropped 7 oldest records",${META},"time":"2026-11-21T16:50:31.000+00:00","dropped":7}`),
    Buffer.from(`{"0":"x",${META},"time":"2026-11-21T16:50:31.000+00:00","spanId":"6698131bcbbed823"}`),
    Buffer.from(`{"0":"x",${'"1":"y",'.repeat(9000)}${META}}`),
    Buffer.from('{"type":"brand.new.event","ts":1795279830000}'),
    Buffer.from('plain text'),
  ];
  const parts: Buffer[] = [];
  const every = Math.floor(good.length / odd.length);
  good.forEach((line, i) => {
    parts.push(Buffer.from(`${line}\n`));
    const extra = i % every === 0 ? odd[i / every] : undefined;
    if (extra !== undefined) parts.push(extra, Buffer.from('\n'));
  });
  // Log time moves on through untraced lines only: traces still open must expire here, not at the flush.
  for (let s = 0; s < 300; s += 10) parts.push(Buffer.from(`${untraced(new Date(Date.parse('2026-11-21T17:00:00Z') + s * 1000).toISOString())}\n`));
  return Buffer.concat(parts);
}

function rawLines(bytes: Buffer): RawLine[][] {
  const batches: RawLine[][] = [];
  const splitter = new LineSplitter(MAX_LINE_BYTES);
  // Uneven chunks, so batches end anywhere.
  for (let at = 0; at < bytes.length; at += 40_000) {
    const batch: RawLine[] = [];
    splitter.push(bytes.subarray(at, at + 40_000), (line) => batch.push(line));
    batches.push(batch);
  }
  const last: RawLine[] = [];
  splitter.end((line) => last.push(line));
  batches.push(last);
  return batches;
}

/** Everything a run shows: counters, the traces and when (after which line) each left. */
function run(feed: (stats: PipelineStats, reconstructor: Reconstructor, linesSoFar: () => number) => void) {
  const stats = new PipelineStats();
  const emitted: unknown[] = [];
  let lines = 0;
  const reconstructor = new Reconstructor(DEFAULT_RECONSTRUCTOR_OPTIONS, (trace, exit) => emitted.push({ afterLine: lines, trace, exit }));
  feed(stats, reconstructor, () => ++lines);
  reconstructor.flush();
  return {
    emitted,
    counters: { ...reconstructor.counters },
    watermark: reconstructor.watermark,
    stats: {
      linesRead: stats.linesRead, bytesRead: stats.bytesRead, records: stats.records, events: stats.events, gatewayDropped: stats.gatewayDropped,
      rejected: Object.fromEntries(stats.rejected), other: Object.fromEntries(stats.other), firstRejection: Object.fromEntries(stats.firstRejection),
    },
  };
}

describe('LineIntake', () => {
  it('counts and reconstructs exactly as parsing every line would, while parsing fewer', () => {
    const batches = rawLines(input());
    let skimmed = 0;
    const withPreCheck = run((stats, reconstructor, next) => {
      const intake = new LineIntake('mixed.log', MAX_LINE_BYTES, stats, reconstructor, SOURCE_KEY);
      for (const batch of batches) {
        // One line at a time, so the emission records which line let each trace go.
        for (const line of batch) {
          next();
          intake.addBatch([line]);
        }
      }
      skimmed = intake.linesSkimmed;
    });
    const parseAll = run((stats, reconstructor, next) => {
      let lineNo = 0;
      for (const batch of batches) {
        for (const raw of batch) {
          next();
          stats.linesRead++;
          stats.bytesRead += raw.end - raw.start;
          // Read from byte 0 on: the file and line number, as a followed file's reading from its start names them.
          const line = ++lineNo;
          const where = (): string => `mixed.log:${line}`;
          const decoded = decodeLine(raw, MAX_LINE_BYTES);
          if (!decoded.ok) stats.lineRejected(decoded.reason, where(), decoded.detail);
          else routeParsed(parseLine(decoded.text), { source: SOURCE_KEY, start: raw.start, end: raw.end }, where, stats, reconstructor);
          reconstructor.tick();
        }
      }
    });

    expect(withPreCheck).toEqual(parseAll);
    // The sample's 141 untraced records and the 30 quiet-time ones, and 240 of its traced records without a signal
    // (the others have nested argument objects or a warn level); not the borderline lines.
    expect(skimmed).toBe(141 + 30 + 240);
    expect(parseAll.stats.rejected).toEqual({ binary: 1, invalid_utf8: 1, invalid_json: 1, bad_time: 1, bad_trace_id: 1, too_long: 1 });
    expect(parseAll.stats.gatewayDropped).toBe(7);
    // Traces left while only untraced lines came in (the watermark they carry), not at the flush.
    const afterLines = parseAll.emitted.map((e) => (e as { afterLine: number }).afterLine);
    expect(Math.max(...afterLines)).toBeLessThan(withPreCheck.stats.linesRead);
    // Plus the parsed ones: a signal, the overflow, a time only _meta.date gives.
    expect(parseAll.counters.untracedRecords).toBe(141 + 30 + 3);
  });

  it('routes what the given parse function returns for the lines that need a parse, in order (the benchmark passes lines parsed beforehand)', () => {
    const batches = rawLines(input()).map((batch) => decodeBatch(batch, MAX_LINE_BYTES));
    const parsing = run((stats, reconstructor) => {
      const intake = new LineIntake('mixed.log', MAX_LINE_BYTES, stats, reconstructor);
      for (const batch of batches) intake.addDecoded(batch);
    });
    const beforehand = batches.map((batch) => batch.texts.map((text) => parseLine(text)));
    const asked: string[] = [];
    const preParsed = run((stats, reconstructor) => {
      const intake = new LineIntake('mixed.log', MAX_LINE_BYTES, stats, reconstructor);
      batches.forEach((batch, i) => {
        let next = 0;
        intake.addDecoded(batch, (text) => {
          asked.push(text);
          return beforehand[i]?.[next++] as ParsedLine;
        });
      });
    });
    expect(preParsed).toEqual(parsing);
    expect(asked).toEqual(batches.flatMap((batch) => batch.texts));

    // What the function returns is what is counted: here every such line as JSON of no known shape.
    let skimmed = 0;
    const other = run((stats, reconstructor) => {
      const intake = new LineIntake('mixed.log', MAX_LINE_BYTES, stats, reconstructor);
      for (const batch of batches) intake.addDecoded(batch, () => ({ kind: 'other', reason: 'unknown_json' }));
      skimmed = intake.linesSkimmed;
    });
    expect(other.stats.other).toEqual({ unknown_json: asked.length });
    expect(other.stats.records).toBe(skimmed);
    expect(other.stats.events).toBe(0);
    expect(other.stats.linesRead).toBe(parsing.stats.linesRead);
  });
});

describe('LineIntake: where a bad line is', () => {
  const line = (text: string, start: number): RawLine => {
    const bytes = Buffer.from(text);
    return { bytes, start, end: start + bytes.length + 1, tooLong: false, length: bytes.length };
  };
  const firstInvalidJson = (lines: RawLine[]): string | undefined => {
    const stats = new PipelineStats();
    const intake = new LineIntake('/tmp/openclaw/openclaw-2026-11-21.log', MAX_LINE_BYTES, stats, new Reconstructor(DEFAULT_RECONSTRUCTOR_OPTIONS, () => undefined), SOURCE_KEY);
    intake.addBatch(lines);
    return stats.firstRejection.get('invalid_json');
  };
  const good = untraced('2026-11-21T16:50:31.000+00:00');

  it('a followed file read from its start: file and line number', () => {
    const first = line(good, 0);
    const second = line(good, first.end);
    expect(firstInvalidJson([first, second, line('{"0": ', second.end)])).toMatch(/^\/tmp\/openclaw\/openclaw-2026-11-21\.log:3: /);
  });

  it('read from a checkpoint: the byte offset, and the line counted from where reading began', () => {
    const first = line(good, 5000);
    expect(firstInvalidJson([first, line('{"0": ', first.end)])).toMatch(new RegExp(`^/tmp/openclaw/openclaw-2026-11-21\\.log at byte ${first.end} \\(line 2 of those read from byte 5000 on\\): `));
  });
});

describe('LineIntake with --logs (a record tap)', () => {
  it('hands over every record whole, as parseLine gives it, with its line number and place, and reconstructs as without it', () => {
    const batches = rawLines(input());
    const tapped: { message: string; trace: string | undefined; position: LogPosition; at: LineRef | undefined }[] = [];
    let skimmed = -1;
    const withTap = run((stats, reconstructor) => {
      const intake = new LineIntake('mixed.log', MAX_LINE_BYTES, stats, reconstructor, SOURCE_KEY, undefined, (record, position, at) =>
        tapped.push({ message: record.message, trace: record.trace?.spanId, position, at }),
      );
      for (const batch of batches) intake.addBatch(batch);
      skimmed = intake.linesSkimmed;
    });
    const without = run((stats, reconstructor) => {
      const intake = new LineIntake('mixed.log', MAX_LINE_BYTES, stats, reconstructor, SOURCE_KEY);
      for (const batch of batches) intake.addBatch(batch);
    });
    expect(withTap).toEqual(without);
    expect(skimmed).toBe(0);

    // The reference: every line decoded and parsed whole.
    const expected: typeof tapped = [];
    let lineNo = 0;
    for (const raw of batches.flat()) {
      lineNo++;
      const decoded = decodeLine(raw, MAX_LINE_BYTES);
      const parsed = decoded.ok ? parseLine(decoded.text) : undefined;
      if (parsed?.kind !== 'log') continue;
      expected.push({ message: parsed.record.message, trace: parsed.record.trace?.spanId, position: { kind: 'file', path: 'mixed.log', line: lineNo }, at: { source: SOURCE_KEY, start: raw.start, end: raw.end, clock: undefined } });
    }
    expect(tapped).toEqual(expected);
    // The sample's 743 records, the quiet-time ones and the borderline lines that are records; messages whole.
    expect(tapped.length).toBeGreaterThan(743 + 30);
    expect(tapped.filter((t) => t.message === '')).toEqual([]);
  });

  it('read from a checkpoint: no line number (it is not known)', () => {
    const text = untraced('2026-11-21T16:50:31.000+00:00');
    const bytes = Buffer.from(text);
    const positions: LogPosition[] = [];
    const intake = new LineIntake('/tmp/openclaw/openclaw-2026-11-21.log', MAX_LINE_BYTES, new PipelineStats(), new Reconstructor(DEFAULT_RECONSTRUCTOR_OPTIONS, () => undefined), SOURCE_KEY, undefined, (_record, position) => positions.push(position));
    intake.addBatch([{ bytes, start: 5000, end: 5000 + bytes.length + 1, tooLong: false, length: bytes.length }]);
    expect(positions).toEqual([{ kind: 'file', path: '/tmp/openclaw/openclaw-2026-11-21.log' }]);
  });
});
