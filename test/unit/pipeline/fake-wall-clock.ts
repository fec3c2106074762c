import type { WallClock } from '../../../src/pipeline/quiet-clock.js';

/** A wall clock the test moves by hand: timers fire only when `advance` passes them. */
export class FakeWallClock implements WallClock {
  nowMs = 1_800_000_000_000;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; every?: number; fire: () => void }>();

  now(): number {
    return this.nowMs;
  }

  setTimer(fire: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.nowMs + ms, fire });
    return id;
  }

  repeat(fire: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.nowMs + ms, every: ms, fire });
    return id;
  }

  clearTimer(timer: unknown): void {
    this.timers.delete(timer as number);
  }

  /** One-shot timers pending (repeating ones not counted). */
  get pending(): number {
    return [...this.timers.values()].filter((timer) => timer.every === undefined).length;
  }

  /** Moves time on by `ms`, firing every timer due meanwhile, in order. */
  advance(ms: number): void {
    const until = this.nowMs + ms;
    for (;;) {
      let next: [number, { at: number; every?: number; fire: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= until && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      const [id, timer] = next;
      this.nowMs = Math.max(this.nowMs, timer.at);
      if (timer.every === undefined) this.timers.delete(id);
      else timer.at += timer.every;
      timer.fire();
    }
    this.nowMs = until;
  }
}
