import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FollowDaemon, RECONSTRUCTION_FLAGS, tempDir } from './follow-daemon.js';
import { type ReceivedSpan, startOtlpReceiver } from './otlp-receiver.js';
import { runCli } from './run-cli.js';

/**
 * What a follow run must deliver: the spans `otel-tail backfill` sends for the
 * same lines, in the same order, from one file, into a receiver of its own.
 * `flags` are reconstruction flags the follow run was given too.
 */
export async function backfillReference(lines: readonly string[], flags: readonly string[] = []): Promise<ReceivedSpan[]> {
  const file = join(tempDir('reference'), 'all-lines.jsonl');
  writeFileSync(file, lines.map((line) => `${line}\n`).join(''));
  const receiver = await startOtlpReceiver();
  try {
    const result = await runCli(['backfill', '--endpoint', receiver.url, ...RECONSTRUCTION_FLAGS, ...flags, file]);
    if (result.code !== 0 || receiver.errors.length > 0) {
      throw new Error(`reference backfill failed (exit ${result.code}): ${result.stderr} ${receiver.errors.join('; ')}`);
    }
    return [...receiver.spans];
  } finally {
    await receiver.close();
  }
}

/** Resolves once every span of `expected` (by trace and span id) is among `received()`. */
export async function waitForDelivery(
  daemon: FollowDaemon,
  received: () => readonly ReceivedSpan[],
  expected: readonly ReceivedSpan[],
  timeoutMs: number,
): Promise<void> {
  const keys = expected.map(spanKey);
  const missing = (): string[] => {
    const got = new Set(received().map(spanKey));
    return keys.filter((key) => !got.has(key));
  };
  await daemon.waitUntil(
    () => (missing().length === 0 ? true : undefined),
    timeoutMs,
    () => `${keys.length} spans to arrive; ${missing().length} still missing, e.g. ${missing().slice(0, 3).join(', ')}`,
  );
}

/** The spans of `reference` that belong to the given traces. */
export function spansOfTraces(reference: readonly ReceivedSpan[], traceIds: readonly string[]): ReceivedSpan[] {
  return reference.filter((span) => traceIds.includes(span.traceId));
}

export function spanKey(span: { traceId: string; spanId: string }): string {
  return `${span.traceId}/${span.spanId}`;
}

/** Everything a backend would store about a span, with attribute order ignored. */
export function spanContent(span: ReceivedSpan): string {
  return stableJson({
    parentSpanId: span.parentSpanId ?? null,
    name: span.name,
    kind: span.kind,
    startMs: span.startMs,
    endMs: span.endMs,
    attributes: span.attributes,
    status: span.status,
    events: span.events,
    resource: span.resource,
  });
}

export interface DeliveryReport {
  /** In the reference, never received. */
  missing: string[];
  /** Received, not in the reference. */
  unexpected: string[];
  /** Ids received more than once (a re-send). */
  duplicated: string[];
  /** Ids received more than once with different content each time. */
  inconsistent: string[];
  /** Ids whose received content differs from the reference's. */
  differentFromReference: string[];
}

export function compareDelivery(received: readonly ReceivedSpan[], reference: readonly ReceivedSpan[]): DeliveryReport {
  const expected = new Map(reference.map((span) => [spanKey(span), spanContent(span)]));
  const seen = new Map<string, string[]>();
  for (const span of received) {
    const key = spanKey(span);
    seen.set(key, [...(seen.get(key) ?? []), spanContent(span)]);
  }
  const report: DeliveryReport = { missing: [], unexpected: [], duplicated: [], inconsistent: [], differentFromReference: [] };
  for (const key of expected.keys()) if (!seen.has(key)) report.missing.push(key);
  for (const [key, contents] of seen) {
    if (!expected.has(key)) report.unexpected.push(key);
    if (contents.length > 1) report.duplicated.push(key);
    if (new Set(contents).size > 1) report.inconsistent.push(key);
    else if (expected.has(key) && contents[0] !== expected.get(key)) report.differentFromReference.push(key);
  }
  return report;
}

/** Describes the first differing span of `key` field by field, for assertion messages. */
export function explainDifference(key: string, received: readonly ReceivedSpan[], reference: readonly ReceivedSpan[]): string {
  const mine = received.filter((span) => spanKey(span) === key).map((span) => JSON.parse(spanContent(span)) as Record<string, unknown>);
  const theirs = reference.filter((span) => spanKey(span) === key).map((span) => JSON.parse(spanContent(span)) as Record<string, unknown>);
  const lines = [`${key} (${mine.length} received, ${theirs.length} in reference)`];
  const versions = [...mine, ...theirs];
  const first = versions[0] ?? {};
  const show = (value: unknown): string => {
    const text = JSON.stringify(value) ?? 'undefined';
    const count = Array.isArray(value) ? `${value.length} items ` : '';
    return text.length > 200 ? `${count}${text.slice(0, 200)}…` : `${count}${text}`;
  };
  for (const field of Object.keys(first)) {
    const values = new Set(versions.map((v) => JSON.stringify(v[field])));
    if (values.size > 1) lines.push(`  ${field}: received ${mine.map((v) => show(v[field])).join(' | ')}; reference ${theirs.map((v) => show(v[field])).join(' | ')}`);
  }
  return lines.join('\n');
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
