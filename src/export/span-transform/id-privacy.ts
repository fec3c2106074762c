import { createHmac } from 'node:crypto';
import type { AttributeValue } from '@opentelemetry/api';
import type { IdMode } from '../../config/resolve-config.js';
import type { FinishedTrace, SpanAttributes } from '../../model/span-record.js';
import { mapStringValue, type SpanTransform } from './span-transform.js';

/** What stands for an omitted id inside a longer string (a lane name, a log message). */
export const OMITTED = '[omitted]';

/** How many hex digits of the HMAC-SHA-256 are kept: 64 bits, enough to tell a gateway's sessions apart. */
const HASH_HEX = 16;

/**
 * Attribute keys that hold an id, per class: span attributes (our names) and
 * span-event attributes (OpenClaw's own field names).
 */
const SESSION_KEYS = new Set(['openclaw.session.key', 'openclaw.session.id', 'gen_ai.conversation.id', 'sessionKey', 'sessionId']);
const CHAT_KEYS = new Set(['openclaw.message.id', 'openclaw.chat.id', 'openclaw.user.id', 'messageId', 'chatId', 'userId', 'senderId', 'peerId']);

/** Session keys inside text: `agent:<agentId>:...` up to a delimiter (lane names are `session:<key>`). */
const SESSION_KEY_TEXT = /agent:[^\s"'`,;()[\]{}<>=]+/g;
const SESSION_FIELD_TEXT = /\b(sessionKey|sessionId|session_id)=("?)([^\s",]+)/g;
const CHAT_FIELD_TEXT = /\b(chatId|messageId|userId|senderId|peerId)=("?)([^\s",]+)/g;
/** Shorter raw ids are not searched for inside other strings: "42" would match too much that is not the id. */
const MIN_SUBSTRING_ID = 6;

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
 * One trace at a time, in two walks over every attribute map: the id
 * attributes are hashed (or dropped) and their raw values kept, then every
 * other exported string is searched for ids, class by class in order. Kept to
 * small methods over plain loops: spans of many shapes pass through here, and
 * big functions over them were recompiled again and again.
 */
class IdPrivacy {
  constructor(private readonly classes: readonly IdClass[]) {}

  apply(trace: FinishedTrace): void {
    for (const idClass of this.classes) idClass.startTrace();
    for (const span of trace.spans) {
      this.takeIds(span.attributes);
      for (const event of span.events) if (event.attributes !== undefined) this.takeIds(event.attributes);
    }
    for (const idClass of this.classes) idClass.sortRaws();
    for (const span of trace.spans) {
      span.name = this.rewrite(span.name);
      this.rewriteValues(span.attributes);
      for (const event of span.events) {
        event.name = this.rewrite(event.name);
        if (event.attributes !== undefined) this.rewriteValues(event.attributes);
      }
      if (span.status.message !== undefined) span.status.message = this.rewrite(span.status.message);
    }
  }

  private classOf(key: string): IdClass | undefined {
    for (const idClass of this.classes) if (idClass.keys.has(key)) return idClass;
    return undefined;
  }

  private takeIds(map: SpanAttributes): void {
    for (const key in map) {
      const idClass = this.classOf(key);
      if (idClass !== undefined) idClass.take(map, key);
    }
  }

  /** Values of id attributes were hashed whole just now: only the other strings are searched. */
  private rewriteValues(map: SpanAttributes): void {
    for (const key in map) {
      if (this.classOf(key) !== undefined) continue;
      const value = map[key] as AttributeValue;
      if (typeof value === 'string') map[key] = this.rewrite(value);
      else if (Array.isArray(value)) map[key] = mapStringValue(value, (text) => this.rewrite(text));
    }
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
    for (const raw of idStrings(value)) this.raws.add(raw);
    if (this.mode === 'omit') delete map[key];
    else map[key] = hashValue(value, this.hasher);
  }

  sortRaws(): void {
    this.searched = [...this.raws].filter((raw) => raw.length >= MIN_SUBSTRING_ID).sort((a, b) => b.length - a.length);
  }

  rewrite(text: string): string {
    let out = text;
    // Most strings (names, models, statuses) hold no id: a substring test spares them the regexes.
    for (const { needle, pattern } of this.textPatterns) if (out.includes(needle)) out = out.replace(pattern, this.replace);
    if (out.includes('=')) out = out.replace(this.fieldPattern, this.replaceField);
    for (const raw of this.searched) if (out.includes(raw)) out = out.split(raw).join(this.replace(raw));
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
    let hashed = this.memo.get(raw);
    if (hashed === undefined) {
      hashed = createHmac('sha256', this.salt).update(raw).digest('hex').slice(0, HASH_HEX);
      // Bounded: a long-running follower sees an unbounded number of sessions.
      if (this.memo.size >= 10_000) this.memo.clear();
      this.memo.set(raw, hashed);
    }
    return hashed;
  }
}
