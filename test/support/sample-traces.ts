import { parseLine } from '../../src/parsers/parse-line.js';
import { DEFAULT_RECONSTRUCTOR_OPTIONS, Reconstructor } from '../../src/reconstruct/reconstructor.js';
import type { FinishedTrace } from '../../src/model/span-record.js';
import { fixtureLines } from './fixtures.js';

/** The real sample's traces, rebuilt: every span shape the reconstructor makes from a file log and from diagnostic events. */
export function sampleTraces(): FinishedTrace[] {
  const traces: FinishedTrace[] = [];
  const reconstructor = new Reconstructor(DEFAULT_RECONSTRUCTOR_OPTIONS, (trace) => traces.push(trace));
  for (const line of [...fixtureLines('openclaw-2026.9.6/file-log.jsonl'), ...fixtureLines('diagnostic-events.jsonl')]) {
    const parsed = parseLine(line);
    if (parsed.kind === 'log') reconstructor.addRecord(parsed.record);
    else if (parsed.kind === 'diagnostic') reconstructor.addEvent(parsed.event);
  }
  reconstructor.flush();
  return traces;
}
