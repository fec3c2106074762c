import { describe, expect, it } from 'vitest';
import { SourceLag, type SourceProgress } from '../../../src/telemetry/source-lag.js';

describe('SourceLag', () => {
  it('measures bytes and seconds behind the end, and how long a file with unread bytes has not moved', async () => {
    let now = 1_000_000;
    let size = 100;
    const file: SourceProgress = { kind: 'file', source: '/logs/a.log', key: 'k', consumed: 100, checkpoint: 100 };
    const lag = new SourceLag(() => [file], async () => size, () => now);
    expect(await lag.sample()).toEqual([{ kind: 'file', source: '/logs/a.log', bytesBehind: 0, secondsBehind: 0, stuckMs: 0 }]);

    now += 1000;
    size = 300;
    file.consumed = 300; // read, not settled yet
    expect((await lag.sample())[0]).toMatchObject({ bytesBehind: 200, secondsBehind: 0, stuckMs: 0 });
    now += 5000;
    expect((await lag.sample())[0]).toMatchObject({ bytesBehind: 200, secondsBehind: 5, stuckMs: 0 });

    size = 400; // appended, and reading does not move
    now += 1000;
    expect((await lag.sample())[0]).toMatchObject({ bytesBehind: 300, stuckMs: 0 });
    now += 3000;
    expect((await lag.sample())[0]).toMatchObject({ bytesBehind: 300, secondsBehind: 9, stuckMs: 3000 });

    file.consumed = 400;
    file.checkpoint = 400;
    now += 1000;
    expect((await lag.sample())[0]).toMatchObject({ bytesBehind: 0, secondsBehind: 0, stuckMs: 0 });
  });

  it('gives a journal source the log time between its checkpoint and the last entry read', async () => {
    const lag = new SourceLag(() => [{ kind: 'journal', source: 'journal:live:gw', key: 'journal:live:gw', consumed: 9_500_000, checkpoint: 2_000_000 }]);
    expect(await lag.sample()).toEqual([{ kind: 'journal', source: 'journal:live:gw', bytesBehind: undefined, secondsBehind: 7.5, stuckMs: 0 }]);
  });
});
