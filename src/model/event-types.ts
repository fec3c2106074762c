/**
 * The diagnostic event types otel-tail knows (stream C, OPENCLAW.md §4): the parser counts an
 * unknown type as `other`, the reconstructor keeps infrastructure types out of traces.
 */

/**
 * Written by otel-tail's OpenClaw plugin after its bounded queue dropped
 * events: `{"type":"otel-tail.events.dropped","ts":<ms>,"dropped":<n>}`. A gap
 * in the stream to report, never a span.
 */
export const PLUGIN_DROPPED_EVENT_TYPE = 'otel-tail.events.dropped';

/**
 * Types real gateways put on the bus that describe no part of a turn: a
 * security audit record (`security.event`, since 2026.8, with a trace id of
 * its own), a child process spawned, an exec approval follow-up suppressed.
 * Known, so they are not counted as unknown, and not traced.
 */
export const NOT_TRACED_EVENT_TYPES: ReadonlySet<string> = new Set([
  'security.event',
  'diagnostic.child_process.spawn',
  'exec.approval.followup_suppressed',
]);

/**
 * Infrastructure events: metrics material that must never open or join a
 * trace (the built-in exporter once turned them into root traces, §7); and
 * the not-traced types above.
 */
export const INFRASTRUCTURE_EVENT_TYPES: ReadonlySet<string> = new Set([
  'diagnostic.heartbeat',
  'diagnostic.memory.sample',
  'diagnostic.memory.pressure',
  'diagnostic.liveness.warning',
  'diagnostic.phase.completed',
  'gateway.event_loop.sample',
  'gateway.rpc',
  'diagnostic.gc',
  'payload.large',
  'telemetry.exporter',
  'diagnostic.async_queue.dropped',
  'log.record',
  ...NOT_TRACED_EVENT_TYPES,
]);

/**
 * Every event type of the 2026.9.6 union. Newer gateways add types: an
 * unknown one is counted as `other`, never rejected.
 */
export const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set([
  'run.started',
  'run.completed',
  'run.attempt',
  'run.progress',
  'run.execution_phase',
  'harness.run.started',
  'harness.run.completed',
  'harness.run.error',
  'model.call.started',
  'model.call.completed',
  'model.call.error',
  'model.usage',
  'model.failover',
  'tool.execution.started',
  'tool.execution.completed',
  'tool.execution.error',
  'tool.execution.blocked',
  'tool.loop',
  'context.assembled',
  'message.received',
  'message.queued',
  'message.dispatch.started',
  'message.dispatch.completed',
  'message.processed',
  'message.delivery.started',
  'message.delivery.completed',
  'message.delivery.error',
  'webhook.received',
  'webhook.processed',
  'webhook.error',
  'session.state',
  'session.turn.created',
  'session.long_running',
  'session.stalled',
  'session.stuck',
  'session.recovery.requested',
  'session.recovery.completed',
  'queue.lane.enqueue',
  'queue.lane.dequeue',
  'skill.used',
  'exec.process.completed',
  'talk.event',
  'mcp.request.started',
  'mcp.request.completed',
  'mcp.request.error',
  ...INFRASTRUCTURE_EVENT_TYPES,
]);
