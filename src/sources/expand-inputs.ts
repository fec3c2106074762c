import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { InputError } from '../model/input-errors.js';

/** `-` reads standard input. */
export const STDIN = '-';

const GLOB_CHARS = /[*?[]/;

/**
 * Backfill arguments → the files to read: files as given, every regular
 * file in a directory (not hidden, not recursive), and globs expanded here
 * (`*`, `?`, `[abc]` within a name, `**` for any depth), so that a quoted
 * pattern works the same from a shell, a unit file or a config. Each file
 * once, in the order found; an argument that matches nothing is an error
 * naming it.
 */
export async function expandInputs(args: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    out.push(path);
  };
  for (const arg of args) {
    if (arg === STDIN) {
      add(STDIN);
      continue;
    }
    const found = GLOB_CHARS.test(arg) ? await expandGlob(arg) : await expandPath(arg);
    if (found.length === 0) {
      throw new InputError(
        GLOB_CHARS.test(arg)
          ? `${arg}: no file matches this pattern.`
          : `${arg}: no such file or directory. Pass OpenClaw log files, directories of them, or quoted globs such as 'archive/*.log.gz'.`,
      );
    }
    for (const path of found) add(path);
  }
  return out;
}

async function expandPath(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    throw new InputError(`${path}: ${code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message)}.`);
  }
  if (info.isFile()) return [path];
  if (!info.isDirectory()) throw new InputError(`${path}: not a regular file or a directory.`);
  const names = (await readdir(path)).filter((name) => !name.startsWith('.')).sort();
  const files: string[] = [];
  for (const name of names) {
    const child = join(path, name);
    if ((await stat(child).catch(() => undefined))?.isFile() === true) files.push(child);
  }
  if (files.length === 0) {
    throw new InputError(`${path}: a directory with no files in it (hidden files and subdirectories are not read). Pass the directory that holds the logs, or a quoted glob such as '${join(path, '**', '*.log.gz')}'.`);
  }
  return files;
}

/** Expands a glob by walking from its longest literal directory prefix, segment by segment. */
async function expandGlob(pattern: string): Promise<string[]> {
  const absolute = isAbsolute(pattern);
  const segments = pattern.split(/[\\/]+/).filter((segment, i) => segment !== '' || i === 0);
  let base = absolute ? sep : '.';
  let i = absolute ? 1 : 0;
  while (i < segments.length && !GLOB_CHARS.test(segments[i] as string)) base = join(base, segments[i++] as string);
  const matches: string[] = [];
  await walk(base, segments.slice(i), matches);
  return matches.map((path) => (absolute ? path : path.startsWith(`.${sep}`) ? path.slice(2) : path)).sort();
}

async function walk(dir: string, rest: readonly string[], out: string[]): Promise<void> {
  const [segment, ...tail] = rest;
  if (segment === undefined) {
    if ((await stat(dir).catch(() => undefined))?.isFile() === true) out.push(dir);
    return;
  }
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  if (segment === '**') {
    // `**` matches zero or more directories.
    await walk(dir, tail, out);
    for (const entry of entries) if (entry.isDirectory() && !entry.name.startsWith('.')) await walk(join(dir, entry.name), rest, out);
    return;
  }
  const matcher = segmentRegExp(segment);
  for (const entry of entries) {
    if (entry.name.startsWith('.') && !segment.startsWith('.')) continue;
    if (!matcher.test(entry.name)) continue;
    if (tail.length === 0 ? entry.isFile() || entry.isSymbolicLink() : entry.isDirectory()) await walk(join(dir, entry.name), tail, out);
  }
}

/** One path segment of a glob as an anchored RegExp (`*` and `?` never cross `/`). */
function segmentRegExp(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 1);
      if (close === -1) source += '\\[';
      else {
        const body = segment.slice(i + 1, close).replace(/\\/g, '\\\\');
        source += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = close;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Resolves for messages and ledger keys; `-` stays `-`. */
export function displayPath(path: string): string {
  return path === STDIN ? 'standard input' : resolve(path);
}
