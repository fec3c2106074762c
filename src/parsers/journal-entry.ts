import { isObject } from './json-object.js';
import type { RejectReason } from '../model/records.js';

/**
 * One entry of `journalctl --output=json` (one JSON object per line), reduced
 * to the fields otel-tail uses. Field values as journald exports them:
 * a string; an array of byte values when the data is not valid UTF-8 or
 * holds control characters; null when it exceeds journalctl's field size
 * limit; an array of those when the entry carries the field more than once.
 */
export interface JournalEntry {
  /** `__CURSOR`: where to resume with `--after-cursor`. */
  cursor: string;
  /** `__REALTIME_TIMESTAMP`: microseconds since the epoch (wall clock when journald received it). */
  realtimeUs: number;
  /** `MESSAGE`, bytes decoded as UTF-8 (invalid sequences become U+FFFD); undefined when absent or too big. */
  message?: string;
  /** `_PID`: separates gateway restarts. */
  pid?: number;
  /** `_BOOT_ID` */
  bootId?: string;
  /** `_HOSTNAME` */
  hostname?: string;
  /** `SYSLOG_IDENTIFIER`: `node` under the unit the gateway installs (OPENCLAW.md §3). */
  identifier?: string;
  /** `_SYSTEMD_UNIT` */
  unit?: string;
  /** `_SYSTEMD_USER_UNIT`: `openclaw-gateway[-<profile>].service`. */
  userUnit?: string;
}

export interface JournalEntryRejection {
  rejected: RejectReason;
  detail: string;
}

// At most 16 digits: exact as a double up to 2^53 µs (the year 2255).
const DIGITS = /^\d{1,16}$/;
const utf8 = new TextDecoder('utf-8');

/** One line of `journalctl --output=json` → its entry, or why it is not one. Never throws. */
export function parseJournalEntry(text: string): JournalEntry | JournalEntryRejection {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (error instanceof RangeError) return { rejected: 'too_deep', detail: 'JSON nested too deeply' };
    return { rejected: 'invalid_json', detail: (error as Error).message.slice(0, 120) };
  }
  if (!isObject(value)) return { rejected: 'bad_journal_entry', detail: 'not a JSON object' };

  const cursor = fieldText(value['__CURSOR']);
  if (cursor === undefined || cursor.length === 0) {
    return { rejected: 'bad_journal_entry', detail: 'no __CURSOR' };
  }
  const realtime = fieldText(value['__REALTIME_TIMESTAMP']);
  if (realtime === undefined || !DIGITS.test(realtime)) {
    return { rejected: 'bad_time', detail: `__REALTIME_TIMESTAMP is not microseconds (${preview(realtime)})` };
  }

  const entry: JournalEntry = { cursor, realtimeUs: Number(realtime) };
  const message = fieldText(value['MESSAGE']);
  if (message !== undefined) entry.message = message;
  const pid = fieldText(value['_PID']);
  if (pid !== undefined && DIGITS.test(pid)) entry.pid = Number(pid);
  setText(entry, 'bootId', value['_BOOT_ID']);
  setText(entry, 'hostname', value['_HOSTNAME']);
  setText(entry, 'identifier', value['SYSLOG_IDENTIFIER']);
  setText(entry, 'unit', value['_SYSTEMD_UNIT']);
  setText(entry, 'userUnit', value['_SYSTEMD_USER_UNIT']);
  return entry;
}

type TextKey = 'bootId' | 'hostname' | 'identifier' | 'unit' | 'userUnit';

function setText(entry: JournalEntry, key: TextKey, raw: unknown): void {
  const text = fieldText(raw);
  if (text !== undefined && text.length > 0) entry[key] = text;
}

/** A field value as text: string as is, byte array decoded, first value of a repeated field; undefined for null or anything else. */
function fieldText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (!Array.isArray(raw)) return undefined;
  if (raw.length === 0) return '';
  const first: unknown = raw[0];
  if (typeof first === 'number') return decodeBytes(raw);
  // A field the entry carries more than once: an array of values (strings, byte arrays or nulls). The first one counts.
  if (typeof first === 'string') return first;
  return Array.isArray(first) ? decodeBytes(first) : undefined;
}

function decodeBytes(values: readonly unknown[]): string | undefined {
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const byte = values[i];
    if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < 0 || byte > 255) return undefined;
    bytes[i] = byte;
  }
  return utf8.decode(bytes);
}

function preview(value: string | undefined): string {
  if (value === undefined) return 'missing';
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
