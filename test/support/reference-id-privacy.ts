import type { AttributeValue } from '@opentelemetry/api';
import {
  CHAT_FIELD_TEXT,
  CHAT_KEYS,
  IdHasher,
  MIN_SUBSTRING_ID,
  OMITTED,
  SESSION_FIELD_TEXT,
  SESSION_KEY_TEXT,
  SESSION_KEYS,
  type IdPrivacyOptions,
} from '../../src/export/span-transform/id-privacy.js';
import type { FinishedTrace } from '../../src/model/span-record.js';

/**
 * The id-privacy rule stated as plainly as it can be, without any of the
 * production step's shortcuts (no substring pre-test, no memo, no noted
 * values): every id attribute of the trace is hashed or dropped and its raw
 * value kept; then every other string (names, attribute values, array items,
 * status messages) goes through each class in order: ids by shape, `key=value`
 * fields, then each raw id of the trace, longest first. A test oracle: the
 * step must give exactly what this gives.
 */
export function referenceIdPrivacy(options: IdPrivacyOptions): (trace: FinishedTrace) => void {
  const hasher = new IdHasher(options.salt ?? '');
  const classes = [
    { mode: options.sessionIds, keys: SESSION_KEYS, shape: SESSION_KEY_TEXT as RegExp | undefined, field: SESSION_FIELD_TEXT },
    { mode: options.chatIds, keys: CHAT_KEYS, shape: undefined, field: CHAT_FIELD_TEXT },
  ].filter((c) => c.mode !== 'raw');
  return (trace) => {
    const replacers = classes.map((c) => (raw: string): string => (c.mode === 'omit' ? OMITTED : hasher.hash(raw)));
    const raws = classes.map(() => new Set<string>());
    const maps = trace.spans.flatMap((span) => [span.attributes, ...span.events.flatMap((event) => (event.attributes === undefined ? [] : [event.attributes]))]);
    for (const map of maps) {
      for (const key of Object.keys(map)) {
        const k = classes.findIndex((c) => c.keys.has(key));
        if (k < 0) continue;
        const value = map[key] as AttributeValue;
        for (const item of Array.isArray(value) ? value : [value]) if ((typeof item === 'string' || typeof item === 'number') && String(item) !== '') raws[k]?.add(String(item));
        if (classes[k]?.mode === 'omit') delete map[key];
        else map[key] = Array.isArray(value) ? (value.map((item) => (item === null || item === undefined ? item : hasher.hash(String(item)))) as AttributeValue) : hasher.hash(String(value));
      }
    }
    const searched = raws.map((set) => [...set].filter((raw) => raw.length >= MIN_SUBSTRING_ID).sort((a, b) => b.length - a.length));
    const rewrite = (text: string): string => {
      let out = text;
      classes.forEach((c, k) => {
        const replace = replacers[k] as (raw: string) => string;
        if (c.shape !== undefined) out = out.replace(c.shape, replace);
        out = out.replace(c.field, (_match, key: string, quote: string, value: string) => `${key}=${quote}${replace(value)}`);
        for (const raw of searched[k] ?? []) out = out.split(raw).join(replace(raw));
      });
      return out;
    };
    for (const span of trace.spans) {
      span.name = rewrite(span.name);
      for (const event of span.events) event.name = rewrite(event.name);
      if (span.status.message !== undefined) span.status.message = rewrite(span.status.message);
    }
    for (const map of maps) {
      for (const [key, value] of Object.entries(map)) {
        if (classes.some((c) => c.keys.has(key))) continue;
        if (typeof value === 'string') map[key] = rewrite(value);
        else if (Array.isArray(value)) map[key] = value.map((item) => (typeof item === 'string' ? rewrite(item) : item)) as AttributeValue;
      }
    }
  };
}
