import { describe, expect, it } from 'vitest';
import type { ExportOutcome } from '../../../src/export/trace-exporter.js';
import { BatchDelivery, takeBatch, type DeliveryOptions } from '../../../src/pipeline/batch-delivery.js';

/** Items are their own size; the sender answers from a script (then success), and records each call. */
function setup(script: ((items: readonly number[]) => ExportOutcome | undefined) | ExportOutcome[], options: Partial<DeliveryOptions<number>> = {}) {
  const calls: number[][] = [];
  const counts = { delivered: 0, failed: 0, attemptsFailed: 0 };
  const queue = Array.isArray(script) ? [...script] : [];
  const delivery = new BatchDelivery<number>({
    send: (items) => {
      calls.push([...items]);
      const scripted = Array.isArray(script) ? queue.shift() : script(items);
      return Promise.resolve(scripted ?? { status: 'success' });
    },
    size: (item) => item,
    policy: { retry: 'never' },
    splitRefused: true,
    tally: {
      delivered: (n) => (counts.delivered += n),
      failed: (n) => (counts.failed += n),
      attemptFailed: () => counts.attemptsFailed++,
    },
    ...options,
  });
  return { delivery, calls, counts };
}

const refused: ExportOutcome = { status: 'refused', error: new Error('HTTP 400') };
const down: ExportOutcome = { status: 'retryable', error: new Error('ECONNREFUSED') };

describe('BatchDelivery', () => {
  it('without retries, gives a failed batch up at once, counting its items failed and the attempt', async () => {
    const { delivery, calls, counts } = setup([down]);
    const answers = await delivery.deliver([2, 3]);
    expect(answers).toEqual([{ items: [2, 3], answer: { status: 'failed', error: down.error } }]);
    expect(calls).toEqual([[2, 3]]);
    expect(counts).toEqual({ delivered: 0, failed: 5, attemptsFailed: 1 });
  });

  it('splits a refused batch item by item, pacing each resend, so only the item refused alone is given up', async () => {
    const paced: number[] = [];
    const { delivery, calls, counts } = setup((items) => (items.includes(4) ? refused : undefined), { beforeSplitSend: (n) => Promise.resolve(void paced.push(n)) });
    const answers = await delivery.deliver([1, 4, 2]);
    expect(calls).toEqual([[1, 4, 2], [1], [4], [2]]);
    expect(paced).toEqual([1, 4, 2]);
    expect(answers?.map(({ items, answer }) => `${items.join()}:${answer.status}`)).toEqual(['1:accepted', '4:refused', '2:accepted']);
    expect(counts).toEqual({ delivered: 3, failed: 4, attemptsFailed: 0 });
  });

  it('does not split when told not to (log records), and counts what a partial success dropped, at most the batch', async () => {
    const { delivery, calls, counts } = setup([refused, { status: 'success', rejected: { spans: 99, message: 'too old' } }], { splitRefused: false });
    expect((await delivery.deliver([1, 2]))?.map(({ answer }) => answer.status)).toEqual(['refused']);
    expect((await delivery.deliver([3, 4]))?.[0]?.answer).toEqual({ status: 'accepted', rejected: { spans: 99, message: 'too old' } });
    expect(calls).toEqual([[1, 2], [3, 4]]);
    expect(counts).toEqual({ delivered: 0, failed: 3 + 7, attemptsFailed: 0 });
  });

  it('retrying forever, tries again with backoff until answered, telling of each failed attempt and of the answer', async () => {
    const said: string[] = [];
    const { delivery, calls, counts } = setup([down, down, refused], {
      policy: { retry: 'forever', initialBackoffMs: 1, maxBackoffMs: 2 },
      attemptFailed: (error) => said.push(`failed ${error.message}`),
      answered: () => said.push('answered'),
    });
    const answers = await delivery.deliver([5]);
    expect(answers?.map(({ answer }) => answer.status)).toEqual(['refused']);
    expect(calls).toEqual([[5], [5], [5]]);
    expect(said).toEqual(['failed ECONNREFUSED', 'failed ECONNREFUSED', 'answered']);
    expect(counts).toEqual({ delivered: 0, failed: 5, attemptsFailed: 2 });
  });

  it('stopped while waiting to retry, resolves undefined and counts nothing of the batch', async () => {
    const { delivery, counts } = setup(() => down, { policy: { retry: 'forever', initialBackoffMs: 60_000, maxBackoffMs: 60_000 } });
    const pending = delivery.deliver([1, 2]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    delivery.stop();
    expect(await pending).toBeUndefined();
    expect(counts).toEqual({ delivered: 0, failed: 0, attemptsFailed: 1 });
  });
});

describe('takeBatch', () => {
  it('takes from the front as many items as fit, at least one even when it alone is larger', () => {
    const pending = [3, 4, 2, 10, 1];
    expect(takeBatch(pending, (n) => n, 9)).toEqual([3, 4, 2]);
    expect(takeBatch(pending, (n) => n, 9)).toEqual([10]);
    expect(takeBatch(pending, (n) => n, 9)).toEqual([1]);
    expect(takeBatch(pending, (n) => n, 9)).toEqual([]);
  });
});
