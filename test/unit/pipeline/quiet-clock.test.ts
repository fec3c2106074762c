import { describe, expect, it } from 'vitest';
import { QuietClock, type QuietClockTarget } from '../../../src/pipeline/quiet-clock.js';
import { FakeWallClock } from './fake-wall-clock.js';

/** A reconstructor with one trace due `dueMs` of log time from now, and sources that may be reading. */
class Target implements QuietClockTarget {
  dueMs = Number.POSITIVE_INFINITY;
  readingNow = false;
  readonly ticks: number[] = [];
  /** Run during a recheck: lines the sources find then. */
  onRecheck: (() => void) | undefined;
  nextDueIn(): number {
    return this.dueMs;
  }
  tick(quietMs: number): void {
    this.ticks.push(quietMs);
    if (quietMs >= this.dueMs) this.dueMs = Number.POSITIVE_INFINITY;
  }
  anyReading(): boolean {
    return this.readingNow;
  }
  async recheck(): Promise<void> {
    this.onRecheck?.();
  }
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('QuietClock: the wall clock moves log time only while the log is quiet', () => {
  it('sets no timer while lines are read, nor when nothing is open; once quiet, ticks with the quiet time when the trace is due', async () => {
    const wall = new FakeWallClock();
    const target = new Target();
    const clock = new QuietClock(target, wall);
    clock.reading();
    target.dueMs = 750;
    expect(wall.pending).toBe(0);
    target.readingNow = true;
    clock.caughtUp();
    expect(wall.pending).toBe(0);
    target.readingNow = false;
    clock.caughtUp();
    expect(wall.pending).toBe(1);
    wall.advance(700);
    expect(clock.quietMs()).toBe(700);
    expect(target.ticks).toEqual([]);
    wall.advance(100);
    await settle();
    // The quiet time when the recheck has answered (the fake clock is at 800 ms by then).
    expect(target.ticks).toEqual([800]);
    // Nothing open any more: no timer, an idle follower does no work.
    expect(wall.pending).toBe(0);
  });

  it('a tick whose recheck found lines does not emit: those lines moved time, and the quiet after them sets its own timer', async () => {
    const wall = new FakeWallClock();
    const target = new Target();
    const clock = new QuietClock(target, wall);
    target.dueMs = 500;
    clock.caughtUp();
    target.onRecheck = () => {
      clock.reading();
      target.onRecheck = undefined;
    };
    wall.advance(1_000);
    await settle();
    expect(target.ticks).toEqual([]);
    expect(clock.quietMs()).toBe(0);
    clock.caughtUp();
    wall.advance(501);
    await settle();
    expect(target.ticks).toEqual([501]);
  });

  it('halted (stopping or a reload), it never ticks again', async () => {
    const wall = new FakeWallClock();
    const target = new Target();
    const clock = new QuietClock(target, wall);
    target.dueMs = 500;
    clock.caughtUp();
    clock.halt();
    wall.advance(10_000);
    await settle();
    clock.caughtUp();
    wall.advance(10_000);
    await settle();
    expect(target.ticks).toEqual([]);
  });
});
