import { describe, expect, it } from 'vitest';
import { runsEndWithin, withTimeout } from '../../../src/pipeline/bounded-wait.js';

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

describe('runsEndWithin', () => {
  it('waits through a run that starts another as it ends, and is true once none is left', async () => {
    let runs = 0;
    let current: Promise<void> | undefined;
    const start = (): Promise<void> =>
      new Promise<void>((resolve) => setTimeout(resolve, 5)).then(() => {
        runs++;
        current = runs < 3 ? start() : undefined;
      });
    current = start();
    expect(await runsEndWithin(() => current, 5_000)).toBe(true);
    expect(runs).toBe(3);
    expect(await runsEndWithin(() => undefined, 5_000)).toBe(true);
  });

  it('is false when a run is still going once the time is up', async () => {
    const hung = new Promise<void>(() => undefined);
    expect(await runsEndWithin(() => hung, 20)).toBe(false);
  });
});
