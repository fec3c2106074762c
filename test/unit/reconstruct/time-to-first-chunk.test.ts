import { describe, expect, it } from 'vitest';
import type { DiagnosticEvent } from '../../../src/model/records.js';
import { describeLifecycleSpan } from '../../../src/reconstruct/event-span-attributes.js';

const T = 1_795_290_471_473;

function event(type: string, extra: Record<string, unknown>): DiagnosticEvent {
  const fields = { type, ts: T, runId: 'r1', callId: 'r1:model:1', provider: 'fakeoai', model: 'fake-model', api: 'openai-completions', ...extra };
  return { type, ts: T, fields };
}

describe('model call: time to first chunk', () => {
  it("carries OpenClaw's timeToFirstByteMs as gen_ai.response.time_to_first_chunk, in seconds", () => {
    const look = describeLifecycleSpan({ family: 'model', start: event('model.call.started', {}), ends: [event('model.call.completed', { durationMs: 123, timeToFirstByteMs: 109 })] });
    expect(look.attributes['gen_ai.response.time_to_first_chunk']).toBe(0.109);
  });

  it('is absent when the call reported none (no streamed event before it ended)', () => {
    const look = describeLifecycleSpan({ family: 'model', start: event('model.call.started', {}), ends: [event('model.call.error', { durationMs: 5, errorCategory: 'network' })] });
    expect(look.attributes).not.toHaveProperty('gen_ai.response.time_to_first_chunk');
  });
});
