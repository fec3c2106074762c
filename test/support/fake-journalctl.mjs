#!/usr/bin/env node
// A stand-in for `journalctl --output=json` (systemd 252), for testing the journald
// source's argv, cursor handling and child restarts without a journal.
//
// Environment:
//   FAKE_JOURNAL_ENTRIES       JSONL file of journal entries, oldest first (each with __CURSOR,
//                              __REALTIME_TIMESTAMP, MESSAGE, ...). Missing file = empty journal.
//   FAKE_JOURNALCTL_LOG        if set, one JSON line {"argv":[...],"pid":N} is appended per run.
//   FAKE_JOURNALCTL_EXIT_AFTER exit 1 after printing this many entries (a child that dies).
//   FAKE_JOURNALCTL_WARN       if set, written to stderr (with a newline) at start, as journalctl
//                              warns about a corrupt file or a user who cannot see every journal.
//   FAKE_JOURNALCTL_READY      if set, written to stderr (with a newline) once the start position
//                              is fixed: an entry appended after it is sure to count as new.
//
// What it mimics, each checked against the real journalctl 252 (see
// test/integration/journald-support.test.ts and test/unit/support/fake-journalctl.test.ts):
// - A cursor that is not well formed: "Failed to seek to cursor: Invalid argument", exit 1.
//   A well-formed cursor of an entry that is not there (vacuumed, another machine) is NOT an
//   error: journalctl seeks to where that entry would be (same seqnum id: by seqnum; else same
//   boot: by monotonic time; else by realtime; falling through when nothing is found) and
//   --after-cursor then skips one entry, the first one at or after that place: an entry that was
//   never read is lost. --cursor= (inclusive) loses nothing.
// - With --follow and neither --since nor --no-tail nor -n, journalctl sets -n 10: without a
//   cursor it shows the last 10 entries; with a cursor it shows at most 10 entries after it and
//   the rest only once the journal changes again.
// - --since/--until accept @SECONDS[.FRACTION] and "YYYY-MM-DD[ HH:MM[:SS[.FRACTION]]][ UTC]"
//   (local time unless " UTC"); ISO 8601 with "T" or "Z" is rejected, as 252 does.
// - Matches: FIELD=value terms separated by "+" are OR'ed; within a term, matches on different
//   fields are AND'ed and matches on the same field are OR'ed.
// - Without --all, a field whose "NAME=value" is 4096 bytes or more is printed as null.
// - A field value may be a string, an array of byte values (binary) or an array of values (a
//   field given more than once); every number is a string, as in the real output.
// Entries whose __CURSOR is not in journald's format can still be resumed from by exact match.
// --directory/--file must exist (with journalctl's messages), but entries always come from
// FAKE_JOURNAL_ENTRIES.
import { Buffer } from 'node:buffer';
import { appendFileSync, closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { clearInterval, setInterval } from 'node:timers';

const POLL_MS = 50;
const JSON_THRESHOLD = 4096;

const argv = process.argv.slice(2);
if (process.env.FAKE_JOURNALCTL_LOG) {
  appendFileSync(process.env.FAKE_JOURNALCTL_LOG, `${JSON.stringify({ argv, pid: process.pid })}\n`);
}
if (process.env.FAKE_JOURNALCTL_WARN) process.stderr.write(`${process.env.FAKE_JOURNALCTL_WARN}\n`);

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

// ---- options --------------------------------------------------------------------------------

const opts = {
  output: undefined,
  follow: false,
  cursor: undefined,
  afterCursor: undefined,
  since: undefined,
  until: undefined,
  lines: undefined, // undefined = default, -1 = all
  noTail: false,
  all: false,
  directory: undefined,
  files: [],
  matches: [],
};

const FLAGS = {
  '--follow': () => (opts.follow = true),
  '-f': () => (opts.follow = true),
  '--no-pager': () => {},
  '--no-tail': () => (opts.noTail = true),
  '--all': () => (opts.all = true),
  '-a': () => (opts.all = true),
  '--quiet': () => {},
  '-q': () => {},
  '--merge': () => {},
  '-m': () => {},
  '--utc': () => {},
  '--no-hostname': () => {},
};
const VALUED = {
  '--output': (v) => (opts.output = v),
  '-o': (v) => (opts.output = v),
  '--cursor': (v) => (opts.cursor = v),
  '-c': (v) => (opts.cursor = v),
  '--after-cursor': (v) => (opts.afterCursor = v),
  '--since': (v) => (opts.since = v),
  '-S': (v) => (opts.since = v),
  '--until': (v) => (opts.until = v),
  '-U': (v) => (opts.until = v),
  '--directory': (v) => (opts.directory = v),
  '-D': (v) => (opts.directory = v),
  '--file': (v) => opts.files.push(v),
};
// Real journalctl options this fake does not implement: a test using one should fail loudly.
const UNIMPLEMENTED = new Set([
  '-u', '--unit', '--user-unit', '-t', '--identifier', '-b', '--boot', '-p', '--priority', '-k', '--dmesg',
  '-g', '--grep', '-r', '--reverse', '--show-cursor', '--cursor-file', '-x', '--catalog', '-e', '--pager-end',
  '-M', '--machine', '--root', '--image', '--namespace', '--user', '--system', '--output-fields', '-F', '--field',
  '-N', '--fields', '--facility', '--case-sensitive', '--list-boots', '--header', '--disk-usage', '--vacuum-size',
  '--vacuum-time', '--vacuum-files', '--rotate', '--flush', '--sync', '--verify', '-l', '--full', '--no-full',
]);

function parseLines(value) {
  if (value === 'all') return -1;
  if (!/^\+?\d+$/.test(value)) fail(`Failed to parse lines '${value}'`);
  return Number(value);
}

for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === '--') {
    opts.matches.push(...argv.slice(i + 1));
    break;
  }
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    if (name === '--lines') {
      // Optional argument: "--lines=N", or "--lines N" when N looks like a count.
      if (inline !== undefined) opts.lines = parseLines(inline);
      else if (argv[i + 1] !== undefined && /^(\+?\d+|all)$/.test(argv[i + 1])) opts.lines = parseLines(argv[++i]);
      else opts.lines = 10;
    } else if (FLAGS[name]) {
      if (inline !== undefined) fail(`journalctl: option '${name}' doesn't allow an argument`);
      FLAGS[name]();
    } else if (VALUED[name]) {
      let value = inline;
      if (value === undefined) {
        if (i + 1 >= argv.length) fail(`journalctl: option '${name}' requires an argument`);
        value = argv[++i];
      }
      VALUED[name](value);
    } else if (UNIMPLEMENTED.has(name)) {
      fail(`fake-journalctl: ${name} is a journalctl option this fake does not implement`);
    } else {
      fail(`journalctl: unrecognized option '${name}'`);
    }
  } else if (arg.startsWith('-') && arg.length > 1) {
    // Bundled short options: "-fa", "-n5", "-ojson", "-fn 3".
    for (let k = 1; k < arg.length; k++) {
      const letter = `-${arg[k]}`;
      const rest = arg.slice(k + 1);
      if (letter === '-n') {
        if (rest !== '') opts.lines = parseLines(rest);
        else if (argv[i + 1] !== undefined && /^(\+?\d+|all)$/.test(argv[i + 1])) opts.lines = parseLines(argv[++i]);
        else opts.lines = 10;
        break;
      }
      if (FLAGS[letter]) {
        FLAGS[letter]();
        continue;
      }
      if (VALUED[letter]) {
        let value = rest;
        if (value === '') {
          if (i + 1 >= argv.length) fail(`journalctl: option requires an argument -- '${arg[k]}'`);
          value = argv[++i];
        }
        VALUED[letter](value);
        break;
      }
      if (UNIMPLEMENTED.has(letter)) fail(`fake-journalctl: ${letter} is a journalctl option this fake does not implement`);
      fail(`journalctl: invalid option -- '${arg[k]}'`);
    }
  } else {
    opts.matches.push(arg);
  }
}

const OUTPUT_MODES = ['short', 'short-full', 'short-iso', 'short-iso-precise', 'short-precise', 'short-monotonic',
  'short-delta', 'short-unix', 'verbose', 'export', 'json', 'json-pretty', 'json-sse', 'json-seq', 'cat', 'with-unit'];
if (opts.output === undefined) {
  fail("fake-journalctl: --output=json is required (journalctl's default is the short text format, which this fake does not print)");
}
if (!OUTPUT_MODES.includes(opts.output)) fail(`Unknown output format '${opts.output}'.`);
if (opts.output !== 'json') fail(`fake-journalctl: only --output=json is implemented, not '${opts.output}'`);

if ([opts.since, opts.cursor, opts.afterCursor].filter((v) => v !== undefined).length > 1) {
  fail('Please specify only one of --since=, --cursor=, and --after-cursor=.');
}
if ((opts.directory !== undefined ? 1 : 0) + (opts.files.length > 0 ? 1 : 0) > 1) {
  fail('Please specify at most one of -D/--directory=, --file=, -M/--machine=, --root=, --image=.');
}
if (opts.directory !== undefined && !existsSync(opts.directory)) fail(`Failed to open ${opts.directory}: No such file or directory`);
if (opts.files.length > 0 && !opts.files.every((file) => existsSync(file))) fail('Failed to open files: No such file or directory');

// ---- matches --------------------------------------------------------------------------------

/** Terms (OR'ed); each a Map field -> allowed values (fields AND'ed, values of one field OR'ed). */
const terms = [];
{
  let term = new Map();
  for (let k = 0; k < opts.matches.length; k++) {
    const match = opts.matches[k];
    if (match === '+') {
      if (term.size === 0 || k === opts.matches.length - 1) fail('"+" can only be used between terms');
      terms.push(term);
      term = new Map();
      continue;
    }
    const eq = match.indexOf('=');
    if (eq <= 0 || !/^[A-Z0-9_]+$/.test(match.slice(0, eq))) fail(`Failed to add match '${match}': Invalid argument`);
    const field = match.slice(0, eq);
    const values = term.get(field) ?? [];
    values.push(Buffer.from(match.slice(eq + 1), 'utf8'));
    term.set(field, values);
  }
  if (term.size > 0) terms.push(term);
}

function valueBytes(value) {
  if (typeof value === 'string') return [Buffer.from(value, 'utf8')];
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return [Buffer.from(value)];
  if (Array.isArray(value)) return value.flatMap(valueBytes);
  return [];
}

function matches(entry) {
  if (terms.length === 0) return true;
  return terms.some((term) =>
    [...term].every(([field, wanted]) => {
      const have = valueBytes(entry[field]);
      return have.some((h) => wanted.some((w) => h.equals(w)));
    }),
  );
}

// ---- time and cursors -----------------------------------------------------------------------

function parseTimestamp(text) {
  let m = /^@(\d+)(?:\.(\d{1,6})\d*)?$/.exec(text);
  if (m) return BigInt(m[1]) * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0'));
  m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?)?( UTC)?$/.exec(text);
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', utc] = m;
    const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)];
    const ms = utc ? Date.UTC(...parts) : new Date(...parts).getTime();
    if (!Number.isNaN(ms)) return BigInt(ms) * 1000n + BigInt(frac.padEnd(6, '0'));
  }
  return fail(`Failed to parse timestamp: ${text}`);
}

const ID128 = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const HEX = /^\s*(?:0x)?([0-9a-f]+)/i;

/** Parses a cursor as sd_journal_seek_cursor() does; undefined when it would say EINVAL. */
function parseCursor(cursor) {
  if (cursor === '') return undefined;
  const loc = {};
  for (const word of cursor.split(';')) {
    if (word === '') continue;
    if (word.length < 2 || word[1] !== '=') return undefined;
    const value = word.slice(2);
    switch (word[0]) {
      case 's':
      case 'b':
        if (!ID128.test(value)) return undefined;
        loc[word[0] === 's' ? 'seqnumId' : 'bootId'] = value.replaceAll('-', '').toLowerCase();
        break;
      case 'i':
      case 'm':
      case 't':
      case 'x': {
        const m = HEX.exec(value);
        if (!m) return undefined;
        loc[{ i: 'seqnum', m: 'monotonic', t: 'realtime', x: 'xor' }[word[0]]] = BigInt(`0x${m[1]}`);
        break;
      }
      default:
        break; // unknown keys are ignored
    }
  }
  const usable = (loc.seqnumId !== undefined && loc.seqnum !== undefined) || (loc.bootId !== undefined && loc.monotonic !== undefined) || loc.realtime !== undefined;
  return usable ? loc : undefined;
}

function bigintField(value) {
  return typeof value === 'string' && /^\d+$/.test(value) ? BigInt(value) : undefined;
}

/** Where an entry sits: from its cursor when that is in journald's format, else from its fields. */
function locationOf(entry) {
  const fromCursor = typeof entry.__CURSOR === 'string' ? parseCursor(entry.__CURSOR) ?? {} : {};
  return {
    seqnumId: fromCursor.seqnumId,
    seqnum: fromCursor.seqnum,
    bootId: fromCursor.bootId ?? (typeof entry._BOOT_ID === 'string' ? entry._BOOT_ID.toLowerCase() : undefined),
    monotonic: fromCursor.monotonic ?? bigintField(entry.__MONOTONIC_TIMESTAMP),
    realtime: bigintField(entry.__REALTIME_TIMESTAMP) ?? fromCursor.realtime,
  };
}

/**
 * Index (from `from`) of the first entry at or after `loc`, as journalctl 252 finds it; -1 if
 * none. Observed order: when an entry has the cursor's seqnum id, by seqnum, decisively; else,
 * when an entry has its boot id, by monotonic time if that finds one; else by realtime,
 * decisively; and with none of these the first entry.
 */
function seekIndex(entries, loc, from) {
  const locations = entries.map(locationOf);
  const firstAtOrAfter = (key) => {
    for (let k = from; k < entries.length; k++) if (key(locations[k]) === true) return k;
    return -1;
  };
  if (loc.seqnumId !== undefined && loc.seqnum !== undefined && locations.some((l) => l.seqnumId === loc.seqnumId)) {
    return firstAtOrAfter((l) => l.seqnumId === loc.seqnumId && l.seqnum !== undefined && l.seqnum >= loc.seqnum);
  }
  if (loc.bootId !== undefined && loc.monotonic !== undefined && locations.some((l) => l.bootId === loc.bootId)) {
    const found = firstAtOrAfter((l) => l.bootId === loc.bootId && l.monotonic !== undefined && l.monotonic >= loc.monotonic);
    if (found !== -1) return found;
  }
  if (loc.realtime !== undefined) return firstAtOrAfter((l) => l.realtime !== undefined && l.realtime >= loc.realtime);
  return from < entries.length ? from : -1;
}

// ---- the journal ----------------------------------------------------------------------------

const entriesPath = process.env.FAKE_JOURNAL_ENTRIES;
if (!entriesPath) fail('fake-journalctl: FAKE_JOURNAL_ENTRIES is not set');
const entries = [];
let readOffset = 0;
let partial = '';
let lineNumber = 0;

/** Reads complete lines appended since the last call; returns how many entries were added. */
function readNewEntries() {
  let size;
  try {
    size = statSync(entriesPath).size;
  } catch {
    return 0;
  }
  if (size <= readOffset) return 0;
  const buffer = Buffer.alloc(size - readOffset);
  const fd = openSync(entriesPath, 'r');
  let got = 0;
  try {
    while (got < buffer.length) {
      const n = readSync(fd, buffer, got, buffer.length - got, readOffset + got);
      if (n === 0) break;
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  readOffset += got;
  const text = partial + buffer.subarray(0, got).toString('utf8');
  const lines = text.split('\n');
  partial = lines.pop() ?? '';
  let added = 0;
  for (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line));
    } catch {
      fail(`fake-journalctl: line ${lineNumber} of ${entriesPath} is not JSON`);
    }
    added++;
  }
  return added;
}

function render(entry) {
  if (opts.all) return JSON.stringify(entry);
  const out = {};
  for (const [field, value] of Object.entries(entry)) {
    const tooBig = (v) => Buffer.byteLength(`${field}=`) + (valueBytes(v)[0]?.length ?? 0) >= JSON_THRESHOLD;
    const multi = Array.isArray(value) && value.some((v) => typeof v !== 'number');
    out[field] = multi ? value.map((v) => (tooBig(v) ? null : v)) : tooBig(value) ? null : value;
  }
  return JSON.stringify(out);
}

// ---- where to start -------------------------------------------------------------------------

readNewEntries();

let lines = opts.lines;
if (opts.noTail) lines = -1;
else if (lines === undefined && opts.follow && opts.since === undefined) lines = 10;

const until = opts.until === undefined ? undefined : parseTimestamp(opts.until);
/** Next index of `entries` to consider. */
let next = 0;
/** A place to seek to once entries at or after it appear (nothing was there yet). */
let pendingSeek;
/** At most this many entries before the first wait for a change; -1: no limit. */
let firstBatch = -1;

const cursorText = opts.cursor ?? opts.afterCursor;
if (cursorText !== undefined) {
  const exact = entries.findIndex((e) => e.__CURSOR === cursorText);
  const loc = exact === -1 ? parseCursor(cursorText) : locationOf(entries[exact]);
  if (loc === undefined) fail('Failed to seek to cursor: Invalid argument');
  const target = exact !== -1 ? exact : seekIndex(entries, loc, 0);
  let landed = -1;
  if (target !== -1) for (let k = target; k < entries.length && landed === -1; k++) if (matches(entries[k])) landed = k;
  if (landed === -1) {
    next = entries.length;
    pendingSeek = loc;
  } else {
    // --after-cursor skips the entry it lands on, even when that is not the cursor's own entry.
    next = opts.afterCursor !== undefined ? landed + 1 : landed;
  }
  firstBatch = lines ?? -1;
} else if (opts.since !== undefined) {
  const loc = { realtime: parseTimestamp(opts.since) };
  next = seekIndex(entries, loc, 0);
  if (next === -1) {
    next = entries.length;
    pendingSeek = loc;
  }
  firstBatch = lines ?? -1;
} else if (lines !== undefined && lines >= 0) {
  next = entries.length;
  for (let found = 0; found < lines && next > 0; ) if (matches(entries[--next])) found++;
}

if (process.env.FAKE_JOURNALCTL_READY) process.stderr.write(`${process.env.FAKE_JOURNALCTL_READY}\n`);

// ---- printing -------------------------------------------------------------------------------

const exitAfter = process.env.FAKE_JOURNALCTL_EXIT_AFTER === undefined ? undefined : Number(process.env.FAKE_JOURNALCTL_EXIT_AFTER);
let printed = 0;
let timer;
let done = false;

process.stdout.on('error', () => process.exit(1)); // the reader went away (EPIPE)

function finish(code, message) {
  if (timer !== undefined) clearInterval(timer);
  if (message !== undefined) process.stderr.write(`${message}\n`);
  process.exitCode = code; // let stdout drain rather than process.exit()
  done = true;
}

function dieIfDue() {
  if (exitAfter !== undefined && printed >= exitAfter) {
    finish(1, `fake-journalctl: exiting after ${printed} entries (FAKE_JOURNALCTL_EXIT_AFTER)`);
    return true;
  }
  return false;
}

/** Prints matching entries from `next`, at most `limit` (-1: all). */
function printFrom(limit) {
  if (pendingSeek !== undefined) {
    const found = seekIndex(entries, pendingSeek, next);
    if (found === -1) {
      next = entries.length;
      return;
    }
    next = found;
    pendingSeek = undefined;
  }
  let shown = 0;
  const out = [];
  while (next < entries.length && (limit < 0 || shown < limit)) {
    const entry = entries[next];
    if (until !== undefined && (bigintField(entry.__REALTIME_TIMESTAMP) ?? 0n) > until) {
      process.stdout.write(out.join(''));
      finish(0);
      return;
    }
    next++;
    if (!matches(entry)) continue;
    out.push(`${render(entry)}\n`);
    shown++;
    printed++;
    if (exitAfter !== undefined && printed >= exitAfter) break;
  }
  if (out.length > 0) process.stdout.write(out.join(''));
  dieIfDue();
}

if (!dieIfDue()) {
  printFrom(firstBatch);
  if (!done && opts.follow) {
    timer = setInterval(() => {
      if (readNewEntries() > 0) printFrom(-1);
    }, POLL_MS);
  }
}
