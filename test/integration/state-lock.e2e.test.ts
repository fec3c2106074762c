import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Followers started at the same moment on one state dir: exactly one gets the lock. Each contender is a
 * real process named `otel-tail` (so the others count it as a running holder), taking the lock from
 * the built module at an agreed instant and keeping it while the others try.
 */

const MODULE = new URL('../../dist/checkpoint/state-lock.js', import.meta.url).href;
const CONTENDER = `
const { StateLock } = await import(process.argv[1]);
const startAt = Number(process.argv[3]);
while (Date.now() < startAt);
const result = StateLock.acquire(process.argv[2]);
process.stdout.write(result.status);
setTimeout(() => {}, 2000);
`;

function contend(stateDir: string, startAt: number): Promise<string> {
  // argv[0] of the script is 'otel-tail', so /proc/<pid>/cmdline names it as the lock's holder check expects.
  const child = spawn(process.execPath, ['--input-type=module', '-e', CONTENDER, MODULE, stateDir, String(startAt), 'otel-tail'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => child.on('exit', () => resolve(out)));
}

describe('state lock', () => {
  it('of eight followers started at the same instant, exactly one takes the lock, and no temporary file is left', async () => {
    for (let round = 0; round < 3; round++) {
      const stateDir = join(mkdtempSync(join(tmpdir(), 'otel-tail-lock-')), 'state');
      const startAt = Date.now() + 1500; // every contender started and spinning by then
      const results = await Promise.all(Array.from({ length: 8 }, () => contend(stateDir, startAt)));
      expect(results.filter((status) => status === 'locked'), results.join(',')).toHaveLength(1);
      expect(results.filter((status) => status === 'held')).toHaveLength(7);
      expect(readdirSync(stateDir)).toEqual(['follower.lock']);
    }
  }, 30_000);
});
