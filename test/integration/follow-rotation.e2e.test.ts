import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { fixtureLines } from '../support/fixtures.js';
import {
  backfillReference,
  compareDelivery,
  explainDifference,
  waitForDelivery,
} from '../support/delivery-check.js';
import { type FollowDaemon, startFollowing, tempDir } from '../support/follow-daemon.js';
import { LogWriter, rpcTraceLines } from '../support/log-writer.js';
import type { OtlpReceiver } from '../support/otlp-receiver.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * The rotation matrix of a live gateway log: while lines keep arriving in
 * pieces that end mid-line, the file is renamed away, replaced by a new dated
 * file, copied and truncated, or deleted. What reaches the receiver must be
 * exactly what `otel-tail backfill` gives for the lines written, each span once.
 */

const SAMPLE = fixtureLines('openclaw-2026.9.6/file-log.jsonl');
const STEM = 'openclaw-2026-11-21';
/** Lines written before the daemon starts (read with `--from beginning`). */
const BEFORE_START = 100;

const startReceiver = cleanUpAfterEach();
let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = await startReceiver();
});

interface Scenario {
  name: string;
  /** Follow the directory, or the one file the writer starts in. */
  follow: 'directory' | 'file';
  stem?: string;
  seed: number;
  /** Writes the sample from line BEFORE_START on, rotating on the way. */
  play(writer: LogWriter, daemon: FollowDaemon): Promise<void>;
}

const lines = (from: number, to?: number): string[] => SAMPLE.slice(from, to);

const scenarios: Scenario[] = [
  {
    name: 'rename rotation twice (X.log → X.1.log → X.2.log) and a new X.log each time',
    follow: 'directory',
    seed: 101,
    async play(writer) {
      await writer.append(lines(BEFORE_START, 250));
      writer.rotateRename();
      await writer.append(lines(250, 500));
      writer.rotateRename();
      await writer.append(lines(500));
    },
  },
  {
    name: 'rename rotation of the single file followed',
    follow: 'file',
    seed: 102,
    async play(writer) {
      await writer.append(lines(BEFORE_START, 320));
      writer.rotateRename();
      await writer.append(lines(320));
    },
  },
  {
    name: 'date roll to a new dated file (profile name), while another log in the directory is left alone',
    follow: 'directory',
    stem: 'openclaw-work-2026-11-21',
    seed: 103,
    async play(writer) {
      await writer.append(lines(BEFORE_START, 400));
      writer.rollTo('openclaw-work-2026-11-22');
      await writer.append(lines(400));
    },
  },
  {
    name: 'copytruncate twice (copy to X.1.log, truncate X.log, keep appending)',
    follow: 'directory',
    seed: 104,
    async play(writer) {
      await writer.append(lines(BEFORE_START, 300));
      writer.copyTruncate();
      await writer.append(lines(300, 550));
      writer.copyTruncate();
      await writer.append(lines(550));
    },
  },
  {
    name: 'deletion of the open file, lines continuing in a new file (directory)',
    follow: 'directory',
    seed: 105,
    play: deleteWhileOpen,
  },
  {
    name: 'deletion of the open file, lines continuing in a new file (single file)',
    follow: 'file',
    seed: 106,
    play: deleteWhileOpen,
  },
];

/** Deletes the file only once the daemon holds it open, right after a batch it has likely not read yet. */
async function deleteWhileOpen(writer: LogWriter, daemon: FollowDaemon): Promise<void> {
  await writer.append(lines(BEFORE_START, 280));
  await daemon.waitUntil(() => (daemon.holdsOpen(writer.path) ? true : undefined), 10_000, `otel-tail to hold ${writer.path} open`);
  await writer.append(lines(280, 330));
  writer.deleteCurrent();
  await writer.append(lines(330));
}

describe('otel-tail --file follows a rotating log and delivers exactly what backfill gives', () => {
  it.each(scenarios)('$name', async (scenario) => {
    const dir = tempDir('follow');
    const stateDir = tempDir('state');
    // Not an OpenClaw log name: must never be read (its traces would be extra spans).
    writeFileSync(join(dir, 'gateway.log'), rpcTraceLines({ label: 'decoy', count: 3, warnLines: 1, startMs: Date.parse('2026-11-21T16:50:00Z') }).join('\n') + '\n');

    const writer = new LogWriter({ dir, stem: scenario.stem ?? STEM, seed: scenario.seed });
    await writer.append(lines(0, BEFORE_START));
    const daemon = await startFollowing({ follow: scenario.follow === 'directory' ? dir : writer.path, stateDir, endpoint: receiver.url });
    await scenario.play(writer, daemon);
    expect(writer.written).toEqual(SAMPLE);

    const reference = await backfillReference(writer.written);
    expect(reference).toHaveLength(67);
    // Every trace of the sample completes, so all of it is exported without a shutdown flush.
    await waitForDelivery(daemon, () => receiver.spans, reference, 30_000);

    daemon.signal('SIGTERM');
    const exit = await daemon.waitForExit(10_000);
    expect(exit, daemon.stderr).toEqual({ code: 0, signal: null });
    expect(receiver.errors).toEqual([]);

    const report = compareDelivery(receiver.spans, reference);
    const details = [...report.inconsistent, ...report.differentFromReference].slice(0, 3).map((key) => explainDifference(key, receiver.spans, reference));
    expect(report, `${details.join('\n')}\notel-tail stderr:\n${daemon.stderr}`).toEqual({
      missing: [],
      unexpected: [],
      // No crash and a healthy receiver: nothing has a reason to be sent twice.
      duplicated: [],
      inconsistent: [],
      differentFromReference: [],
    });
  }, 90_000);
});
