import { FLAT, LITERAL, PLAIN, escapeRegExp } from './json-grammar.js';
import { SIGNAL_EVENTS, SIGNAL_PREFIXES } from './log-signals.js';

/**
 * JSON grammar fragments (regular-expression source) for the parts of a tslog
 * record a signal could be read from, matching only when none can: the
 * hot-path readers of records without a signal (untraced-record.ts,
 * plain-traced-record.ts) build on them.
 */

// In message text: the escapes JSON.stringify writes, except ESC (\u001b starts an ANSI colour that stripAnsi would remove).
// None decodes to a character of a signal prefix, so the prefix test on the raw text equals the parser's on the decoded one.
const TEXT_ESCAPE = String.raw`\\(?:["\\/bfnrt]|u00(?!1[bB])[01][0-9a-fA-F]|u[dD][89abAB][0-9a-fA-F]{2})`;

/** Message text (an argument, a top-level `message`): not one a signal could be read from. */
export const SIGNAL_FREE_TEXT = `"(?!${SIGNAL_PREFIXES.map(escapeRegExp).join('|')})${PLAIN}*(?:${TEXT_ESCAPE}${PLAIN}*)*"`;

// An argument: text, or an object (structured meta) whose `event`, if any, is a plain string that names no signal. Keys
// unescaped, so `event` cannot hide as `\u0065vent`; a duplicated `event` is as safe as one (each names no signal).
// Values: text (arg 0's `message` can be the message), scalars, or a flat object or array (read by no signal check).
const ARG_KEY = `"(?!event")${PLAIN}*"`;
const ARG_VALUE = `(?:${SIGNAL_FREE_TEXT}|${LITERAL}|${FLAT})`;
const ARG_EVENT = `"event":(?:"(?!(?:${SIGNAL_EVENTS.map(escapeRegExp).join('|')})")${PLAIN}*"|${LITERAL})`;
const ARG_FIELD = `(?:${ARG_KEY}:${ARG_VALUE}|${ARG_EVENT})`;
export const SIGNAL_FREE_ARG = `(?:${SIGNAL_FREE_TEXT}|\\{(?:${ARG_FIELD}(?:,${ARG_FIELD})*)?\\})`;
