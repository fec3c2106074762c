import { createHmac } from 'node:crypto';
import type { AttributeValue } from '@opentelemetry/api';
import type { IdMode } from '../../config/resolve-config.js';
import type { FinishedTrace, SpanAttributes, SpanEventRecord, SpanRecord } from '../../model/span-record.js';
import { mapStringValue, type SpanTransform } from './span-transform.js';

/** What stands for an omitted id inside a longer string (a lane name, a log message). */
export const OMITTED = '[omitted]';

/** How many hex digits of the HMAC-SHA-256 are kept: 64 bits, enough to tell a gateway's sessions apart. */
const HASH_HEX = 16;

/**
 * Attribute keys that hold an id, per class: span attributes (our names) and
 * span-event attributes (OpenClaw's own field names).
 */
export const SESSION_KEYS = new Set(['openclaw.session.key', 'openclaw.session.id', 'gen_ai.conversation.id', 'sessionKey', 'sessionId']);
export const CHAT_KEYS = new Set(['openclaw.message.id', 'openclaw.chat.id', 'openclaw.user.id', 'messageId', 'chatId', 'userId', 'senderId', 'peerId']);

/** Session keys inside text: `agent:<agentId>:...` up to a delimiter (lane names are `session:<key>`). */
export const SESSION_KEY_TEXT = /agent:[^\s"'`,;()[\]{}<>=]+/g;
export const SESSION_FIELD_TEXT = /\b(sessionKey|sessionId|session_id)=("?)([^\s",]+)/g;
export const CHAT_FIELD_TEXT = /\b(chatId|messageId|userId|senderId|peerId)=("?)([^\s",]+)/g;
/** Shorter raw ids are not searched for inside other strings: "42" would match too much that is not the id. */
export const MIN_SUBSTRING_ID = 6;

export interface IdPrivacyOptions {
  sessionIds: IdMode;
  chatIds: IdMode;
  /** Needed when a mode is `hash`. */
  salt?: string;
}

/**
 * Session keys hold channel user ids and phone numbers: by default they, the
 * session ids, and chat, message and user ids leave as a salted hash (the same
 * id always gives the same hash, so traces still group by session), or not at
 * all. Wherever they are: the attributes that carry them, and any string that
 * contains them (lane names, log messages, status messages).
 */
export function idPrivacyTransform(options: IdPrivacyOptions): SpanTransform | undefined {
  const classes = idClasses(options);
  if (classes === undefined) return undefined;
  const privacy = new IdPrivacy(classes);
  return (trace) => privacy.apply(trace);
}

/**
 * The same privacy for one free-standing text (a log record's body or attribute): ids found by their
 * shape (`agent:…` session keys) and as `key=value` fields are hashed or omitted. Undefined when every
 * id is sent raw.
 */
export function idTextPrivacy(options: IdPrivacyOptions): ((text: string) => string) | undefined {
  const classes = idClasses(options);
  if (classes === undefined) return undefined;
  return (text) => {
    let out = text;
    for (const idClass of classes) out = idClass.rewrite(out);
    return out;
  };
}

function idClasses(options: IdPrivacyOptions): IdClass[] | undefined {
  if (options.sessionIds === 'raw' && options.chatIds === 'raw') return undefined;
  if ((options.sessionIds === 'hash' || options.chatIds === 'hash') && (options.salt === undefined || options.salt === '')) {
    throw new Error('idPrivacyTransform: a salt is needed to hash ids');
  }
  const hasher = new IdHasher(options.salt ?? '');
  const classes: IdClass[] = [];
  if (options.sessionIds !== 'raw') classes.push(new IdClass(options.sessionIds, SESSION_KEYS, [{ needle: 'agent:', pattern: SESSION_KEY_TEXT }], SESSION_FIELD_TEXT, hasher));
  if (options.chatIds !== 'raw') classes.push(new IdClass(options.chatIds, CHAT_KEYS, [], CHAT_FIELD_TEXT, hasher));
  return classes;
}

/**
 * One trace at a time, in two passes: the id attributes are hashed (or
 * dropped) and their raw values kept, and every other string value is noted;
 * then the noted strings, span names and status messages are searched for ids,
 * class by class in order. Most strings hold no id: one cheap substring test
 * per needle (`=`, `agent:`, each raw id of the trace) lets them pass untouched,
 * and only the rest go through the classes' regexes. Kept to small methods
 * over plain loops and reused arrays: spans of many shapes pass through here,
 * and big functions over them were recompiled again and again.
 */
class IdPrivacy {
  /** The string (or array) values of the current trace that are not ids, as (map, key) pairs. */
  private readonly noteMaps: SpanAttributes[] = [];
  private readonly noteKeys: string[] = [];
  /** Substrings at least one of which is in every string a class could change (see `mayHoldId`). */
  private needles: string[] = [];

  /** Each id attribute key's class: one lookup per key (the classes' keys are disjoint). */
  private readonly classByKey = new Map<string, IdClass>();

  constructor(private readonly classes: readonly IdClass[]) {
    for (const idClass of classes) for (const key of idClass.keys) this.classByKey.set(key, idClass);
  }

  apply(trace: FinishedTrace): void {
    for (const idClass of this.classes) idClass.startTrace();
    this.forget();
    for (const span of trace.spans) {
      this.takeIds(span.attributes);
      const events = span.events;
      for (let i = 0; i < events.length; i++) {
        const attributes = (events[i] as SpanEventRecord).attributes;
        if (attributes !== undefined) this.takeIds(attributes);
      }
    }
    this.needles = this.traceNeedles();
    this.rewriteNoted();
    for (const span of trace.spans) this.rewriteNames(span);
    this.forget();
  }

  /** Nothing of a trace is kept past it (at the start too: a trace that threw half-way left its notes). */
  private forget(): void {
    this.noteMaps.length = 0;
    this.noteKeys.length = 0;
  }

  private takeIds(map: SpanAttributes): void {
    for (const key in map) {
      const idClass = this.classByKey.get(key);
      if (idClass !== undefined) idClass.take(map, key);
      else {
        const value = map[key];
        if (typeof value === 'string' || typeof value === 'object') this.note(map, key);
      }
    }
  }

  private note(map: SpanAttributes, key: string): void {
    this.noteMaps.push(map);
    this.noteKeys.push(key);
  }

  private traceNeedles(): string[] {
    const needles = ['='];
    for (const idClass of this.classes) idClass.addNeedles(needles);
    return needles;
  }

  /** Values of id attributes were hashed whole just now: only the other strings are searched. */
  private rewriteNoted(): void {
    const maps = this.noteMaps;
    const keys = this.noteKeys;
    for (let i = 0; i < maps.length; i++) {
      const map = maps[i] as SpanAttributes;
      const key = keys[i] as string;
      const value = map[key] as AttributeValue;
      if (typeof value === 'string') {
        if (this.mayHoldId(value)) map[key] = this.rewrite(value);
      } else if (Array.isArray(value)) map[key] = this.rewriteArray(value);
    }
  }

  private rewriteArray(value: AttributeValue): AttributeValue {
    return mapStringValue(value, (text) => (this.mayHoldId(text) ? this.rewrite(text) : text));
  }

  private rewriteNames(span: SpanRecord): void {
    if (this.mayHoldId(span.name)) span.name = this.rewrite(span.name);
    const events = span.events;
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as SpanEventRecord;
      if (this.mayHoldId(event.name)) event.name = this.rewrite(event.name);
    }
    const message = span.status.message;
    if (message !== undefined && this.mayHoldId(message)) span.status.message = this.rewrite(message);
  }

  /**
   * False only when no class could change `text`: each class rewrites a string only where it holds
   * a needle (its shape's marker, `=` for fields, a raw id of the trace); while none is there, the
   * classes before it changed nothing either, so it sees the same string.
   */
  private mayHoldId(text: string): boolean {
    const needles = this.needles;
    for (let i = 0; i < needles.length; i++) if (text.includes(needles[i] as string)) return true;
    return false;
  }

  private rewrite(text: string): string {
    let out = text;
    for (const idClass of this.classes) out = idClass.rewrite(out);
    return out;
  }
}

class IdClass {
  /** The raw ids of the current trace, to find them again inside other strings (longest first: a session key holds its peer id). */
  private raws = new Set<string>();
  private searched: string[] = [];
  private readonly replace: (raw: string) => string;
  private readonly replaceField: (match: string, key: string, quote: string, value: string) => string;

  constructor(
    readonly mode: 'hash' | 'omit',
    readonly keys: ReadonlySet<string>,
    /** Whole ids recognisable by their shape inside any text; `needle` is in every match (a cheap test before the regex). */
    private readonly textPatterns: readonly { needle: string; pattern: RegExp }[],
    /** `key=value` in log text (only looked for in text with an `=`). */
    private readonly fieldPattern: RegExp,
    private readonly hasher: IdHasher,
  ) {
    this.replace = mode === 'hash' ? (raw) => hasher.hash(raw) : () => OMITTED;
    this.replaceField = (_match, key, quote, value) => `${key}=${quote}${this.replace(value)}`;
  }

  startTrace(): void {
    this.raws.clear();
  }

  take(map: SpanAttributes, key: string): void {
    const value = map[key] as AttributeValue;
    // Ids are strings or numbers but for a rare array: no arrays made for them.
    if (typeof value === 'string' || typeof value === 'number') {
      const raw = String(value);
      if (raw !== '') this.raws.add(raw);
      if (this.mode === 'omit') delete map[key];
      else map[key] = this.hasher.hash(raw);
    } else {
      for (const raw of idStrings(value)) this.raws.add(raw);
      if (this.mode === 'omit') delete map[key];
      else map[key] = hashValue(value, this.hasher);
    }
  }

  /** The substrings this class looks for in the current trace (its raw ids sorted for `rewrite`, longest first). */
  addNeedles(needles: string[]): void {
    this.searched = [...this.raws].filter((raw) => raw.length >= MIN_SUBSTRING_ID).sort((a, b) => b.length - a.length);
    for (const { needle } of this.textPatterns) needles.push(needle);
    // A raw id holding a needle already listed (a session key holds `agent:` and its peer id) adds no test.
    for (const raw of this.searched) if (!needles.some((needle) => raw.includes(needle))) needles.push(raw);
  }

  rewrite(text: string): string {
    let out = text;
    // Most strings (names, models, statuses) hold no id: a substring test spares them the regexes.
    for (const { needle, pattern } of this.textPatterns) if (out.includes(needle)) out = out.replace(pattern, this.replace);
    if (out.includes('=')) out = out.replace(this.fieldPattern, this.replaceField);
    // replaceAll with a string: a hash (hex) or OMITTED holds no `$` pattern.
    for (const raw of this.searched) if (out.includes(raw)) out = out.replaceAll(raw, this.replace(raw));
    return out;
  }
}

function idStrings(value: AttributeValue): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.filter((item) => typeof item === 'string' || typeof item === 'number').map((item) => String(item)).filter((item) => item !== '');
}

function hashValue(value: AttributeValue, hasher: IdHasher): AttributeValue {
  if (Array.isArray(value)) return value.map((item) => (item === null || item === undefined ? item : hasher.hash(String(item)))) as AttributeValue;
  return hasher.hash(String(value));
}

/** HMAC-SHA-256 with the salt, cut to 16 hex digits; memoised (ids repeat on every span of a session). */
export class IdHasher {
  private readonly memo = new Map<string, string>();

  constructor(private readonly salt: string) {}

  hash(raw: string): string {
    return this.memo.get(raw) ?? this.compute(raw);
  }

  /** Apart from `hash`, which runs for every id: so the optimising compiler does not inline the crypto calls into it. */
  private compute(raw: string): string {
    const hashed = createHmac('sha256', this.salt).update(raw).digest('hex').slice(0, HASH_HEX);
    // Bounded: a long-running follower sees an unbounded number of sessions.
    if (this.memo.size >= 10_000) this.memo.clear();
    this.memo.set(raw, hashed);
    return hashed;
  }
}
