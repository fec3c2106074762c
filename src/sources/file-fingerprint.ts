import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/** How many leading bytes identify a file. A file shorter than this is identified by what it has so far. */
export const FINGERPRINT_BYTES = 1024;

/**
 * Identity of a log file independent of its path (OpenClaw renames files on
 * rotation): a hash of its first bytes, how many bytes that covered, and
 * device/inode as a tie-breaker for files whose first bytes are equal.
 */
export interface FileFingerprint {
  /** sha256 (hex) of the first `length` bytes. */
  hash: string;
  length: number;
  dev: number;
  ino: number;
}

export async function fingerprintOf(handle: FileHandle): Promise<FileFingerprint | undefined> {
  const info = await handle.stat();
  const head = Buffer.alloc(Math.min(FINGERPRINT_BYTES, info.size));
  const { bytesRead } = head.length === 0 ? { bytesRead: 0 } : await handle.read(head, 0, head.length, 0);
  // An empty file has no identity yet: wait for its first bytes.
  if (bytesRead === 0) return undefined;
  return { hash: hashOf(head.subarray(0, bytesRead)), length: bytesRead, dev: info.dev, ino: info.ino };
}

/**
 * Whether `saved` describes the file whose first bytes are `head`. A file
 * fingerprinted while it was short still matches once it has grown, as long
 * as its first `saved.length` bytes are the same.
 */
export function matchesHead(saved: FileFingerprint, head: Buffer): boolean {
  if (head.length < saved.length) return false;
  return hashOf(head.subarray(0, saved.length)) === saved.hash;
}

export function hashOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
