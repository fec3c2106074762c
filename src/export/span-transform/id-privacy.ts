import { createHmac } from 'node:crypto';
import type { AttributeValue } from '@opentelemetry/api';
import type { IdMode } from '../../config/resolve-config.js';
import type { FinishedTrace } from '../../reconstruct/span-record.js';
import { attributeMaps, rewriteStrings, type SpanTransform } from './span-transform.js';

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
  if (options.sessionIds === 'raw' && options.chatIds === 'raw') return undefined;
  if ((options.sessionIds === 'hash' || options.chatIds === 'hash') && (options.salt === undefined || options.salt === '')) {
    throw new Error('idPrivacyTransform: a salt is needed to hash ids');
  }
  const hasher = new IdHasher(options.salt ?? '');
  const classes: IdClass[] = [];
  if (options.sessionIds !== 'raw') {
    classes.push({ mode: options.sessionIds, keys: SESSION_KEYS, textPatterns: [{ needle: 'agent:', pattern: SESSION_KEY_TEXT }], fieldPattern: SESSION_FIELD_TEXT });
  }
  if (options.chatIds !== 'raw') classes.push({ mode: options.chatIds, keys: CHAT_KEYS, textPatterns: [], fieldPattern: CHAT_FIELD_TEXT });
  return (trace) => {
    for (const idClass of classes) applyClass(trace, idClass, hasher);
  };
}

interface IdClass {
  mode: 'hash' | 'omit';
  keys: ReadonlySet<string>;
  /** Whole ids recognisable by their shape inside any text; `needle` is in every match (a cheap test before the regex). */
  textPatterns: readonly { needle: string; pattern: RegExp }[];
  /** `key=value` in log text (only looked for in text with an `=`). */
  fieldPattern: RegExp;
}

function applyClass(trace: FinishedTrace, idClass: IdClass, hasher: IdHasher): void {
  const replace = (raw: string): string => (idClass.mode === 'hash' ? hasher.hash(raw) : OMITTED);
  // The raw ids this trace carries, to find them again inside other strings (longest first: a session key holds its peer id).
  const raws = new Set<string>();
  for (const span of trace.spans) {
    for (const map of attributeMaps(span)) {
      for (const [key, value] of Object.entries(map)) {
        if (!idClass.keys.has(key)) continue;
        for (const raw of idStrings(value)) raws.add(raw);
        if (idClass.mode === 'omit') delete map[key];
        else map[key] = hashValue(value, hasher);
      }
    }
  }
  const searched = [...raws].filter((raw) => raw.length >= MIN_SUBSTRING_ID).sort((a, b) => b.length - a.length);
  const rewrite = (text: string): string => {
    let out = text;
    // Most strings (names, models, statuses) hold no id: a substring test spares them the regexes.
    for (const { needle, pattern } of idClass.textPatterns) if (out.includes(needle)) out = out.replace(pattern, (match) => replace(match));
    if (out.includes('=')) out = out.replace(idClass.fieldPattern, (_match, key: string, quote: string, value: string) => `${key}=${quote}${replace(value)}`);
    for (const raw of searched) if (out.includes(raw)) out = out.split(raw).join(replace(raw));
    return out;
  };
  for (const span of trace.spans) {
    const kept = new Map<object, Set<string>>();
    // Values just hashed are not rewritten again: only the other strings are searched.
    for (const map of attributeMaps(span)) kept.set(map, new Set(Object.keys(map).filter((key) => idClass.keys.has(key))));
    rewriteStrings(span, rewrite, (map, key) => kept.get(map)?.has(key) === true);
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
