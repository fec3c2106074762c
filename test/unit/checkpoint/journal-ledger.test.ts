import { describe, expect, it } from 'vitest';
import { JournalLedger } from '../../../src/checkpoint/journal-ledger.js';

const entry = (n: number): { cursor: string; realtimeUs: number } => ({ cursor: `c${n}`, realtimeUs: n * 1000 });

describe('JournalLedger', () => {
  it('gives the cursor of the last entry before the mark, and nothing before the first entry', () => {
    const ledger = new JournalLedger();
    for (const n of [1, 2, 3]) ledger.add(entry(n));
    expect(ledger.checkpointAt(1000)).toBeUndefined();
    expect(ledger.checkpointAt(1001)).toEqual(entry(1));
    expect(ledger.checkpointAt(3000)).toEqual(entry(2));
    expect(ledger.checkpointAt(3001)).toEqual(entry(3));
  });

  it('changes nothing when asked: a later, lower mark still finds its entry', () => {
    const ledger = new JournalLedger();
    for (const n of [1, 2, 3]) ledger.add(entry(n));
    expect(ledger.checkpointAt(3001)).toEqual(entry(3));
    expect(ledger.checkpointAt(2001)).toEqual(entry(2));
  });

  it('drops the entries before a settled checkpoint, keeping the checkpoint’s own', () => {
    const ledger = new JournalLedger();
    for (const n of [1, 2, 3]) ledger.add(entry(n));
    ledger.settle(2001);
    expect(ledger.checkpointAt(1001)).toBeUndefined();
    expect(ledger.checkpointAt(2001)).toEqual(entry(2));
    expect(ledger.checkpointAt(5000)).toEqual(entry(3));
  });
});
