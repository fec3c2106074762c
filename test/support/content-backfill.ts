import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { tempDir } from './follow-daemon.js';
import type { OtlpReceiver, ReceivedSpan } from './otlp-receiver.js';
import { runCli } from './run-cli.js';

/** The events-plugin fixture: a real gateway turn (file log and events), and its trace. */
const PLUGIN = new URL('../fixtures/openclaw-2026.9.6-plugin/', import.meta.url).pathname;
export const PLUGIN_TRACE = '7737658c1cac0c4a6fe003ea196e58ae';

/** Content the tests put in that turn: a secret, and a reply and a tool result longer than any limit they use (the secret at the reply's start, inside what a cut keeps). */
export const CONTENT_SECRET = 'sk-test-4f9Qa7Zx';
export const CONTENT_REPLY = `Your key ${CONTENT_SECRET} is in NOTES.md. ${'The notes say to water the ficus on Tuesdays. '.repeat(60)}END-OF-REPLY`;
export const CONTENT_TOOL_RESULT = `# Notes\n${'water the ficus on tuesdays; '.repeat(40)}TOOL-RESULT-END`;

/** The fixture's file log, and its events file's lines as `edit` makes them, in a temp dir of their own. */
export function pluginTurnInputs(prefix: string, edit: (lines: string[]) => string[]): { events: string; log: string } {
  const dir = tempDir(prefix);
  const events = join(dir, 'events');
  const log = join(dir, 'file-log');
  mkdirSync(events);
  mkdirSync(log);
  copyFileSync(join(PLUGIN, 'file-log', 'openclaw-2026-11-21.log'), join(log, 'openclaw-2026-11-21.log'));
  const lines = readFileSync(join(PLUGIN, 'events', 'events-2026-11-21.jsonl'), 'utf8').split('\n').filter((line) => line !== '');
  writeFileSync(join(events, 'events-2026-11-21.jsonl'), `${edit(lines).join('\n')}\n`);
  return { events, log };
}

export interface ContentBackfill {
  spans: ReceivedSpan[];
  /** Every request body the receiver got (gunzipped), as text: what a search for leaked content reads. */
  bytes: string;
  stderr: string;
}

/** `otel-tail backfill --events EVENTS LOG` with `flags` into `receiver`, which must succeed and decode every request. */
export async function backfillEventsAndLog(receiver: OtlpReceiver, inputs: { events: string; log: string }, flags: readonly string[]): Promise<ContentBackfill> {
  const result = await runCli(['backfill', '--endpoint', receiver.url, ...flags, '--events', inputs.events, inputs.log]);
  expect(result.code, result.stderr).toBe(0);
  expect(receiver.errors).toEqual([]);
  const bytes = Buffer.concat(receiver.requests.map((r) => (r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body))).toString('utf8');
  return { spans: receiver.spans, bytes, stderr: result.stderr };
}
