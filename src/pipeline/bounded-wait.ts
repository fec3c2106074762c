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
