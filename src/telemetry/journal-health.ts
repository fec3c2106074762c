/** How a journal source's reader (the journalctl child) is doing, as the source keeps it: no cost per entry. */
export interface JournalReaderState {
  /** The source, for messages: `journal NAME`. */
  source: string;
  /** A journalctl child is running now. */
  running: boolean;
  /**
   * Wall time of the first journalctl exit since a child last stayed up (delivered an entry, or ran
   * for a while); undefined while journalctl runs well.
   */
  troubleSinceMs: number | undefined;
  /** journalctl exits since `troubleSinceMs`. */
  exits: number;
  /** Why the last one exited (journalctl's message). */
  lastExit: string | undefined;
  /** Wall time the last entry was handed over (or the source started). */
  lastReadMs: number;
}

/** What a journal source shows /healthz. */
export interface JournalReader {
  readerState(): JournalReaderState;
  /** Realtime (ms) of the oldest matching entry after the last one read (asks journalctl; cached for a while). */
  oldestUnreadMs(): Promise<number | undefined>;
}

/** A journal reader as /healthz judges it: its state, plus the oldest entry the journal holds that was not read (probed). */
export interface JournalReading {
  state: JournalReaderState;
  /** Realtime (ms) of the oldest matching entry after the last one read; undefined when there is none, or it was not asked. */
  oldestUnreadMs: number | undefined;
}

/** Whether /healthz should ask journalctl for the oldest unread entry: the reader runs, but has read nothing for the threshold. */
export function worthProbing(state: JournalReaderState, nowMs: number, thresholdMs: number): boolean {
  return state.running && state.troubleSinceMs === undefined && nowMs - state.lastReadMs >= thresholdMs;
}

/** Why a journal reader is unhealthy, or undefined: journalctl keeps exiting, or it runs and leaves entries unread. */
export function journalProblem(reading: JournalReading, nowMs: number, thresholdMs: number): string | undefined {
  const { state } = reading;
  if (state.troubleSinceMs !== undefined && nowMs - state.troubleSinceMs >= thresholdMs) {
    const seconds = Math.round((nowMs - state.troubleSinceMs) / 1000);
    const times = state.exits === 1 ? 'once' : `${state.exits} times`;
    const now = state.running ? 'running again for now' : 'not running';
    return `journalctl for ${state.source} exited ${times} in ${seconds}s and has not stayed up since (${now}); last: ${state.lastExit ?? 'unknown'}`;
  }
  const unread = reading.oldestUnreadMs;
  if (unread !== undefined && nowMs - state.lastReadMs >= thresholdMs && nowMs - unread >= thresholdMs) {
    return `${state.source} has had entries to read for ${Math.round((nowMs - unread) / 1000)}s (the oldest from ${new Date(unread).toISOString()}) without any being read`;
  }
  return undefined;
}
