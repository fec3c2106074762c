import { execFile } from 'node:child_process';
import { open, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileCheckpoint, JournalCheckpoint } from '../checkpoint/checkpoint-store.js';
import { matchesHead } from './file-fingerprint.js';
import { journalctlArgs } from './journalctl-args.js';

/** Where a file source is, and how far its checkpoint is behind the file's end. */
export type FileStatus =
  | { status: 'found'; checkpoint: FileCheckpoint; path: string; size: number; bytesBehind: number }
  /** No file starts with the checkpoint's first line any more (deleted, or rotated out of the directory). */
  | { status: 'gone'; checkpoint: FileCheckpoint };

/** Where a journal source is, and how far its checkpoint is behind the stream's newest entry. */
export interface JournalStatus {
  key: string;
  name: string;
  /** `live`, or the journal directory or file read. */
  where: string;
  checkpoint: JournalCheckpoint;
  /** The newest matching entry's realtime (µs), when journalctl could say. */
  latestUs?: number;
  secondsBehind?: number;
  /** Why the newest entry is unknown. */
  problem?: string;
}

/**
 * Finds the file a checkpoint belongs to by its fingerprint (its first line), never by name:
 * the recorded path first, then its directory (OpenClaw renames .log to .1.log on rotation).
 * Read only, so it is safe while a follower runs.
 */
export async function fileStatus(checkpoint: FileCheckpoint): Promise<FileStatus> {
  const candidates = [checkpoint.path];
  try {
    const dir = dirname(checkpoint.path);
    for (const name of (await readdir(dir)).sort()) if (join(dir, name) !== checkpoint.path) candidates.push(join(dir, name));
  } catch {
    // The directory is gone: the file is too.
  }
  let match: { path: string; size: number } | undefined;
  for (const path of candidates) {
    const found = await sameFile(path, checkpoint);
    if (found === undefined) continue;
    match = { path, size: found.size };
    // A copy has the same first line: the same inode settles which one it is.
    if (found.sameInode) break;
  }
  if (match === undefined) return { status: 'gone', checkpoint };
  return { status: 'found', checkpoint, path: match.path, size: match.size, bytesBehind: Math.max(0, match.size - checkpoint.offset) };
}

async function sameFile(path: string, checkpoint: FileCheckpoint): Promise<{ size: number; sameInode: boolean } | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return undefined;
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(checkpoint.fingerprint.length);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      if (!matchesHead(checkpoint.fingerprint, head.subarray(0, bytesRead))) return undefined;
      return { size: info.size, sameInode: info.ino === checkpoint.fingerprint.ino && info.dev === checkpoint.fingerprint.dev };
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

/** Asks journalctl for the stream's newest entry (one entry, no follow) to say how far the checkpoint lags. */
export async function journalStatus(key: string, checkpoint: JournalCheckpoint, journalctl: string): Promise<JournalStatus> {
  // The key is `journal:<live|directory|file>:<name>` (journalSourceKey); the name has no ':'.
  const rest = key.slice('journal:'.length);
  const split = rest.lastIndexOf(':');
  const where = rest.slice(0, split);
  const name = rest.slice(split + 1);
  const status: JournalStatus = { key, name, where, checkpoint };
  const target = where === 'live' ? {} : (await isDirectory(where)) ? { directory: where } : { file: where };
  const args = ['--lines=1', ...journalctlArgs({ name, ...target, follow: false })];
  const output = await new Promise<{ stdout: string; error?: string }>((resolve) => {
    execFile(journalctl, args, { timeout: 5_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) resolve({ stdout });
      else resolve({ stdout, error: (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${journalctl} not found` : stderr.trim() || error.message });
    });
  });
  const realtime = lastRealtimeUs(output.stdout);
  if (realtime === undefined) {
    status.problem = output.error ?? 'journalctl found no entry of this stream';
    return status;
  }
  status.latestUs = realtime;
  status.secondsBehind = Math.max(0, (realtime - checkpoint.realtimeUs) / 1e6);
  return status;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function lastRealtimeUs(stdout: string): number | undefined {
  const last = stdout.trim().split('\n').at(-1) ?? '';
  try {
    const realtime = Number((JSON.parse(last) as { __REALTIME_TIMESTAMP?: unknown }).__REALTIME_TIMESTAMP);
    return Number.isFinite(realtime) && realtime > 0 ? realtime : undefined;
  } catch {
    return undefined;
  }
}
