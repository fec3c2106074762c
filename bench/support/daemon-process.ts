import { spawn, type ChildProcess } from 'node:child_process';

export interface DaemonExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DaemonProcess {
  readonly pid: number;
  /** What the daemon wrote on stderr so far. */
  stderr(): string;
  /** SIGTERM, then wait for the exit (SIGKILL after `timeoutMs`, reported as `killed`). */
  stop(timeoutMs?: number): Promise<DaemonExit & { killed: boolean }>;
}

/**
 * Starts `bin/otel-tail` as a user would (a real process, OTEL_* variables cleared) and
 * resolves once it prints the line that says it is ready.
 */
export function startDaemon(bin: string, args: readonly string[], ready: RegExp, readyTimeoutMs = 15_000): Promise<DaemonProcess> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('OTEL_')) env[key] = value;
  // `ready` matches the text form of our lines (stderr is a pipe: auto would pick JSON).
  env['OTEL_TAIL_LOG_FORMAT'] = 'text';
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  killOnExit(child);
  let stderr = '';
  let exit: DaemonExit | undefined;
  const exited = new Promise<DaemonExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  const daemon: DaemonProcess = {
    pid: child.pid ?? -1,
    stderr: () => stderr,
    async stop(timeoutMs = 10_000) {
      if (exit !== undefined) return { ...exit, killed: false };
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const first = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (first !== 'timeout') return { ...first, killed: false };
      child.kill('SIGKILL');
      return { ...(await exited), killed: true };
    },
  };

  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (why?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (why === undefined) return resolve(daemon);
      child.kill('SIGKILL');
      reject(new Error(`otel-tail ${args.join(' ')}: ${why}; stderr:\n${stderr}`));
    };
    const timer = setTimeout(() => settle(`not ready within ${readyTimeoutMs} ms`), readyTimeoutMs);
    child.stderr.on('data', () => {
      if (ready.test(stderr)) settle();
    });
    void exited.then((e) => settle(`exited before it was ready (code ${e.code}, signal ${e.signal})`));
    child.once('error', (error) => settle(error.message));
  });
}

/** A bench that dies (an uncaught error, EPIPE on a closed pipe) must not leave a daemon running. */
export function killOnExit(child: ChildProcess): void {
  const reap = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
}
