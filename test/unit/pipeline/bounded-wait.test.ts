import { describe, expect, it } from 'vitest';
import { withTimeout } from '../../../src/pipeline/bounded-wait.js';

describe('withTimeout', () => {
  it('resolves when the work does, or when the time is up if the work hangs', async () => {
    let done = false;
    await withTimeout(new Promise<void>((resolve) => setTimeout(() => resolve(void (done = true)), 5)), 5_000);
    expect(done).toBe(true);
    const started = Date.now();
    await withTimeout(new Promise(() => undefined), 30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('passes a rejection of the work on (the caller decides whether to swallow it)', async () => {
    await expect(withTimeout(Promise.reject(new Error('close failed')), 1_000)).rejects.toThrow('close failed');
  });
});
