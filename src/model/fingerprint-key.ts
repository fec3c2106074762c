/**
 * Identity of a log file independent of its path (OpenClaw renames files on
 * rotation): a hash of its first line (of its first FINGERPRINT_BYTES when
 * the first line is longer), and device/inode as a tie-breaker for two files
 * whose first line is the same (a copy). Taken once the first line is
 * complete, it never changes while the file grows, so it can key checkpoints.
 * OpenClaw's first line carries a millisecond timestamp, so two files
 * rarely share one. Taken by sources/file-fingerprint.ts.
 */
export interface FileFingerprint {
  /** sha256 (hex) of the first `length` bytes. */
  hash: string;
  length: number;
  dev: number;
  ino: number;
}

/** The key checkpoints and trace line ranges use for a file: stable across renames and restarts. */
export function fingerprintKey(fingerprint: FileFingerprint): string {
  return `${fingerprint.hash.slice(0, 32)}:${fingerprint.length}`;
}
