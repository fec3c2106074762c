import type { FileHandle } from 'node:fs/promises';
import { fingerprintKey, type FileFingerprint } from '../model/fingerprint-key.js';
import type { LineSplitter } from './line-splitter.js';
import type { SourcePosition } from '../checkpoint/source-position.js';

/** What is known of one file's content, whatever path or inode it is under now. */
export interface FileIdentity {
  /** `fingerprintKey(fingerprint)`: keys checkpoints and the lines traces hold. */
  key: string;
  fingerprint: FileFingerprint;
  /** Next byte to read. The splitter holds any unfinished line before it. */
  readOffset: number;
  splitter: LineSplitter;
}

/** Where a followed file is, for the checkpoint writer: `consumed` is just past the last complete line handed over. */
export interface FilePosition extends SourcePosition {
  fingerprint: FileFingerprint;
  path: string;
}

export function filePosition(fingerprint: FileFingerprint, path: string, consumed: number): FilePosition {
  return {
    key: fingerprintKey(fingerprint),
    fingerprint,
    path,
    consumed,
    save: (mark, store) => store.set(fingerprint, mark, path),
  };
}

/** One inode being followed, through an open handle (so a deleted or renamed file can still be drained). */
export class TrackedFile {
  /** Undefined until the first line is complete (a fingerprint needs it). */
  identity: FileIdentity | undefined;
  /** No longer under the followed path (deleted, or renamed away): drain it, then close it. */
  gone = false;
  /** Consecutive scans that did not list it. One is not enough: a rename can fall between a scan's readdir and its stat. */
  unseenScans = 0;

  constructor(
    readonly handle: FileHandle,
    public path: string,
    readonly inode: string,
    /** Found at start-up with no checkpoint and `--from end`: its existing lines are skipped. */
    public startAtEnd: boolean,
  ) {}

  position(): FilePosition | undefined {
    const id = this.identity;
    if (id === undefined) return undefined;
    return filePosition(id.fingerprint, this.path, id.splitter.consumedOffset);
  }
}

/** The offset just past the last `\n` before `size`: where `--from end` starts without cutting a line. */
export async function endOfLastLine(handle: FileHandle, size: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const newline = chunk.subarray(0, bytesRead).lastIndexOf(10);
    if (newline !== -1) return start + newline + 1;
    end = start;
  }
  return 0;
}
