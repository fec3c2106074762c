import type { FSWatcher } from 'chokidar';

/** Just past chokidar's 50 ms change-event throttle. */
const TRAILING_CALL_MS = 60;

/**
 * Calls `onChange` for every change under a directory (depth 0) or to a file,
 * and once more shortly after the last one: chokidar drops a file's change
 * events that follow another within 50 ms, and OpenClaw writes a turn's last
 * lines a few ms apart, so without the trailing call they would wait for the
 * next rescan.
 */
export class PathWatcher {
  private trailingTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly watcher: FSWatcher) {}

  /** Resolves once the watch is in place (or after 2 s), so that nothing appended after it is missed. */
  static async start(path: string, onChange: () => void, onError: (error: Error) => void): Promise<PathWatcher> {
    // Imported here, not at the top: backfill and the other commands never watch, and need not load it.
    const { watch } = await import('chokidar');
    const watcher = new PathWatcher(watch(path, { ignoreInitial: true, depth: 0 }));
    watcher.watcher.on('all', () => {
      onChange();
      clearTimeout(watcher.trailingTimer);
      watcher.trailingTimer = setTimeout(onChange, TRAILING_CALL_MS).unref();
    });
    watcher.watcher.on('error', (error) => onError(error as Error));
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      watcher.watcher.once('ready', resolve);
      timer = setTimeout(resolve, 2_000);
    });
    clearTimeout(timer);
    return watcher;
  }

  /** No more calls after this. */
  async close(): Promise<void> {
    clearTimeout(this.trailingTimer);
    await this.watcher.close();
  }
}
