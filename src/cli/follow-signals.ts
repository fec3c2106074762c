/** The signals a follower answers: SIGTERM/SIGINT stop it, SIGHUP reloads its config. */
export interface FollowSignals {
  /** Resolves with the first SIGTERM or SIGINT; a second one exits at once. */
  readonly stopped: Promise<NodeJS.Signals>;
  /** Resolves at the next SIGHUP, or at once if one came since the last reload began (several in a row make one reload). */
  nextReload(): Promise<void>;
  /** Whether SIGTERM or SIGINT has come. */
  readonly stopping: boolean;
  /** Stops listening. */
  cancel(): void;
}

/**
 * Listens from now on, for the whole run: no signal ever meets its default
 * action (which would end the process without a word, SIGHUP included). A
 * second SIGTERM/SIGINT calls `exitNow` with 128 + signo.
 */
export function listenForSignals(exitNow: (signal: NodeJS.Signals, code: number) => void): FollowSignals {
  let first: NodeJS.Signals | undefined;
  let resolveStopped: (signal: NodeJS.Signals) => void = () => undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => (resolveStopped = resolve));
  let hupPending = false;
  let wakeReload: (() => void) | undefined;
  let reload: Promise<void> | undefined;

  const onStop = (signal: NodeJS.Signals): void => {
    if (first === undefined) {
      first = signal;
      resolveStopped(signal);
      return;
    }
    exitNow(signal, 128 + (signal === 'SIGINT' ? 2 : 15));
  };
  const onHup = (): void => {
    if (wakeReload === undefined) {
      hupPending = true;
      return;
    }
    const wake = wakeReload;
    wakeReload = undefined;
    reload = undefined;
    wake();
  };
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  process.on('SIGHUP', onHup);
  return {
    stopped,
    get stopping() {
      return first !== undefined;
    },
    nextReload() {
      if (hupPending) {
        hupPending = false;
        return Promise.resolve();
      }
      reload ??= new Promise<void>((resolve) => (wakeReload = resolve));
      return reload;
    },
    cancel() {
      process.off('SIGTERM', onStop);
      process.off('SIGINT', onStop);
      process.off('SIGHUP', onHup);
    },
  };
}
