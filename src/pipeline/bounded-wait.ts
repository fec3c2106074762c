/**
 * Waits for `work`, but no longer than `ms`: a shutdown step (closing sources, flushing an
 * exporter) must not hold the exit. A rejection of `work` is passed on; the timer is cleared.
 */
export async function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits while `running()` gives a run (a queue's send loop, which may start again as it ends), but
 * no longer than `ms`: true if none is left running by then, false if time ran out first.
 */
export async function runsEndWithin(running: () => Promise<void> | undefined, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    for (let run = running(); run !== undefined; run = running()) {
      if (!(await Promise.race([run.then(() => true), timeout]))) return false;
    }
    return true;
  } finally {
    clearTimeout(timer);
  }
}
