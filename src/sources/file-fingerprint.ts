import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { FileFingerprint } from '../model/fingerprint-key.js';

/** The most leading bytes that identify a file. */
export const FINGERPRINT_BYTES = 1024;

/** The file's fingerprint, or undefined while its first line is not complete yet. */
export async function fingerprintOf(handle: FileHandle): Promise<FileFingerprint | undefined> {
  const info = await handle.stat();
  const head = await readHead(handle, FINGERPRINT_BYTES);
  const newline = head.indexOf(10);
  const length = newline !== -1 ? newline + 1 : head.length === FINGERPRINT_BYTES ? FINGERPRINT_BYTES : 0;
  if (length === 0) return undefined;
  return { hash: hashOf(head.subarray(0, length)), length, dev: info.dev, ino: info.ino };
}

/** Whether the file still starts with the bytes `saved` was taken from (false after a truncation or a new file on the same inode). */
export async function stillMatches(handle: FileHandle, saved: FileFingerprint): Promise<boolean> {
  return matchesHead(saved, await readHead(handle, saved.length));
}

/** Whether `saved` describes the file whose first bytes are `head`. */
export function matchesHead(saved: FileFingerprint, head: Buffer): boolean {
  if (head.length < saved.length) return false;
  return hashOf(head.subarray(0, saved.length)) === saved.hash;
}

export function hashOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readHead(handle: FileHandle, bytes: number): Promise<Buffer> {
  const head = Buffer.alloc(bytes);
  let filled = 0;
  while (filled < bytes) {
    const { bytesRead } = await handle.read(head, filled, bytes - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return head.subarray(0, filled);
}
