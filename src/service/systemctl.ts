import { execFile } from 'node:child_process';
import type { ServiceScope } from './service-plan.js';

export type SystemctlAnswer = { status: 'ok'; stdout: string } | { status: 'failed'; code: number | string; stdout: string; stderr: string };

/** Runs `systemctl [--user] ARGS` (no shell); never rejects. */
export function runSystemctl(systemctl: string, scope: ServiceScope, args: readonly string[]): Promise<SystemctlAnswer> {
  const argv = scope === 'user' ? ['--user', ...args] : [...args];
  return new Promise((resolve) => {
    execFile(systemctl, argv, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error === null) resolve({ status: 'ok', stdout });
      else resolve({ status: 'failed', code: (error as NodeJS.ErrnoException).code ?? 'unknown', stdout, stderr });
    });
  });
}

/** The states of a manager that can load and start units (`degraded` only means some other unit failed). */
const RUNNING_STATES = new Set(['initializing', 'starting', 'running', 'degraded', 'maintenance']);

export type ManagerState = { usable: true } | { usable: false; why: string };

/**
 * Whether systemd's manager for this scope answers: `systemctl [--user] is-system-running`.
 * In a container where systemd is not PID 1 it says `offline`; without a user session bus it
 * fails to connect. Its exit status is not enough: `degraded` exits 1 yet is usable.
 */
export async function managerState(systemctl: string, scope: ServiceScope): Promise<ManagerState> {
  const answer = await runSystemctl(systemctl, scope, ['is-system-running']);
  const state = answer.stdout.trim();
  if (RUNNING_STATES.has(state)) return { usable: true };
  if (answer.status === 'failed' && answer.code === 'ENOENT') return { usable: false, why: `${systemctl} not found` };
  const said = state !== '' ? state : answer.status === 'failed' ? answer.stderr.trim().split('\n')[0] ?? '' : '';
  return { usable: false, why: `systemctl${scope === 'user' ? ' --user' : ''} is-system-running said "${said || 'nothing'}"` };
}

/** A systemctl command line as the user would type it. */
export function commandLine(scope: ServiceScope, args: readonly string[]): string {
  return ['systemctl', ...(scope === 'user' ? ['--user'] : []), ...args].join(' ');
}
