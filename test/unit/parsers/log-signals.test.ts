import { describe, expect, it } from 'vitest';
import { recognizeSignal } from '../../../src/parsers/log-signals.js';

describe('recognizeSignal', () => {
  it('reads text mirrors with their key=value tails', () => {
    expect(recognizeSignal('message processed: channel=webchat chatId=unknown messageId=A-1 outcome=completed duration=29161ms', undefined)).toEqual({
      kind: 'message.processed',
      values: expect.objectContaining({ channel: 'webchat', messageId: 'A-1', outcome: 'completed', duration: '29161ms' }) as unknown,
    });
    expect(recognizeSignal('lane dequeue: lane=main waitMs=26 queueSize=0', undefined)).toMatchObject({ kind: 'lane.dequeue', values: { lane: 'main', waitMs: '26' } });
  });

  it('reads model-fetch phases', () => {
    expect(recognizeSignal('[model-fetch] response provider=fakeoai api=openai-completions model=fake-model status=429 elapsedMs=110', undefined)).toMatchObject({
      kind: 'model.fetch',
      phase: 'response',
      values: { status: '429', elapsedMs: '110', model: 'fake-model' },
    });
  });

  it('reads a retry line and its attempt counter', () => {
    expect(recognizeSignal('transient same-model retry 1/9 for fakeoai/fake-model reason=rate_limit: delayMs=1300', undefined)).toMatchObject({
      kind: 'retry',
      attempt: 1,
      maxAttempts: 9,
      values: { provider: 'fakeoai', model: 'fake-model', reason: 'rate_limit', delayMs: '1300', phase: 'scheduled' },
    });
    expect(recognizeSignal('transient retry window elapsed for fakeant/fake-claude after 7/8 retries; stopping same-model retries', undefined)).toMatchObject({
      kind: 'retry',
      attempt: 7,
      values: { phase: 'exhausted', model: 'fake-claude' },
    });
  });

  it('reads structured decisions and the failing agent end from the meta object', () => {
    expect(recognizeSignal('model fallback decision', { event: 'model_fallback_decision', decision: 'candidate_failed' })).toMatchObject({ kind: 'decision', event: 'model_fallback_decision' });
    expect(recognizeSignal('embedded run agent end', { event: 'embedded_run_agent_end', runId: 'r', isError: true, error: 'boom', failoverReason: 'rate_limit' })).toEqual({
      kind: 'run.agent.end',
      values: expect.objectContaining({ runId: 'r', isError: 'true', error: 'boom', failoverReason: 'rate_limit' }) as unknown,
    });
  });

  it('reads a gateway RPC response', () => {
    expect(recognizeSignal('⇄ res ✓ chat.send 738ms runId=A-beta-1 conn=b1e0', undefined)).toMatchObject({ kind: 'rpc.response', method: 'chat.send', ok: true, durationMs: 738, values: { runId: 'A-beta-1' } });
    expect(recognizeSignal('⇄ res ✗ sessions.list 12ms', undefined)).toMatchObject({ ok: false });
  });

  it('ignores ordinary messages', () => {
    expect(recognizeSignal('loading configuration…', undefined)).toBeUndefined();
    expect(recognizeSignal('message', undefined)).toBeUndefined();
    expect(recognizeSignal('', undefined)).toBeUndefined();
  });
});
