import { spawn } from 'node:child_process';

/** Runs journalctl once and gives the realtime (ms) of the first entry it prints, or undefined (none, or it failed). */
export function firstEntryRealtimeMs(journalctl: string, args: readonly string[]): Promise<number | undefined> {
  return new Promise((resolve) => {
    const child = spawn(journalctl, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    const done = (value: number | undefined): void => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      resolve(value);
    };
    // A journal too slow to answer says nothing either way.
    const timer = setTimeout(() => done(undefined), 5_000);
    timer.unref();
    child.on('error', () => done(undefined));
    child.on('close', () => done(realtimeMsOf(text)));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) done(realtimeMsOf(text));
    });
  });
}

function realtimeMsOf(text: string): number | undefined {
  const first = text.split('\n', 1)[0] ?? '';
  try {
    const realtime = Number((JSON.parse(first) as { __REALTIME_TIMESTAMP?: unknown }).__REALTIME_TIMESTAMP);
    return Number.isFinite(realtime) && realtime > 0 ? realtime / 1000 : undefined;
  } catch {
    return undefined;
  }
}
