import { LITERAL, PLAIN, escapeRegExp, objectOf } from './json-grammar.js';
import { SIGNAL_PREFIXES } from './log-signals.js';

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

// An argument: text, or a flat object (structured meta) without `event`. Keys unescaped, so `event` cannot hide as `\u0065vent`.
const ARG_KEY = `"(?!event")${PLAIN}*"`;
const ARG_VALUE = `(?:${SIGNAL_FREE_TEXT}|${LITERAL})`;
export const SIGNAL_FREE_ARG = `(?:${SIGNAL_FREE_TEXT}|${objectOf(ARG_KEY, ARG_VALUE)})`;
