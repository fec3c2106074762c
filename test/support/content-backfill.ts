import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import type { OtlpReceiver, ReceivedSpan } from './otlp-receiver.js';
import { runCli } from './run-cli.js';

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
