import { PLUGIN_DROPPED_EVENT_TYPE } from '../model/event-types.js';
import type { ParsedLine } from '../model/records.js';
import type { Reconstructor } from '../reconstruct/reconstructor.js';
import type { LineRef } from '../model/line-refs.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';

/**
 * Counts one parsed line exactly once (record, event, other, rejected) and
 * hands what it carries to the reconstructor. `where` names the line for the
 * first rejection of each reason; it is only called then. `movesClock` false:
 * a record whose time is a guess (journal-intake.ts) is placed by it, but log time does not follow it.
 */
export function routeParsed(parsed: ParsedLine, at: LineRef | undefined, where: () => string, stats: PipelineStats, reconstructor: Reconstructor, movesClock = true): void {
  switch (parsed.kind) {
    case 'log':
      stats.records++;
      if (parsed.record.signal?.kind === 'queue.overflow') stats.gatewayDropped += parsed.record.signal.dropped;
      reconstructor.addRecord(parsed.record, at, movesClock);
      return;
    case 'diagnostic':
      stats.events++;
      stats.unmarkedFailures.observe(parsed.event.type, parsed.event.fields);
      if (parsed.event.type === PLUGIN_DROPPED_EVENT_TYPE) {
        const dropped = parsed.event.fields['dropped'];
        stats.eventsDroppedAt(typeof dropped === 'number' && Number.isFinite(dropped) && dropped > 0 ? dropped : 0, parsed.event.ts, where());
      }
      reconstructor.addEvent(parsed.event, at);
      return;
    case 'other':
      stats.lineOther(parsed.reason);
      return;
    case 'rejected':
      stats.lineRejected(parsed.reason, where(), parsed.detail);
      return;
  }
}
