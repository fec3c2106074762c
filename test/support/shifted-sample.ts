import { fixtureLines } from './fixtures.js';

/**
 * The sample gateway's file log (OpenClaw 2026.9.6) moved in time: every
 * record's `time` and `_meta.date` shift by the same amount so that the first
 * record is at `firstMs`, keeping the spacing. `traceIdPrefix` (4 hex digits)
 * replaces the start of every trace id, so two shifted copies in one run are
 * different traces (span ids stay: they are unique per trace).
 */
export function shiftedSampleLog(firstMs: number, traceIdPrefix?: string): string[] {
  const records = fixtureLines('openclaw-2026.9.6/file-log.jsonl').map((line) => JSON.parse(line) as Record<string, unknown>);
  const timeOf = (record: Record<string, unknown>): number => Date.parse(String(record['time'] ?? (record['_meta'] as Record<string, unknown> | undefined)?.['date']));
  const offset = firstMs - Math.min(...records.map(timeOf).filter(Number.isFinite));
  return records.map((record) => {
    if (typeof record['time'] === 'string') record['time'] = new Date(Date.parse(record['time']) + offset).toISOString().replace('Z', '+00:00');
    const meta = record['_meta'] as Record<string, unknown> | undefined;
    if (meta !== undefined && typeof meta['date'] === 'string') meta['date'] = new Date(Date.parse(meta['date']) + offset).toISOString();
    if (traceIdPrefix !== undefined && typeof record['traceId'] === 'string') record['traceId'] = `${traceIdPrefix}${record['traceId'].slice(traceIdPrefix.length)}`;
    return JSON.stringify(record);
  });
}
