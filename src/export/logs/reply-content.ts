import type { LogRecord } from '../../model/records.js';
import { truncateContent } from '../span-transform/content-capture.js';

/**
 * Whether a record's text is what the model said (or the prompt it echoes): a plain `console.log`
 * of the gateway's process, as `openclaw agent` prints the reply ("default: prints reply text",
 * docs/tools/agent-send.md). The file log keeps such a call as a record with no subsystem (tslog's
 * name `openclaw`, the text as argument "0"), at info; the console prints it with no `[subsystem]`.
 * Tagged console output (`[model-selection] …`, `[openclaw] Reason: …`), lines OpenClaw writes
 * through a subsystem logger, debug traces and anything that makes a signal are its own words, not
 * content. On the 2026.9.6 sample this takes exactly the four replies, in the file log and on the
 * console (test/unit/export/logs/reply-content.test.ts).
 */
export function isReplyContent(record: LogRecord): boolean {
  return record.subsystem === undefined && record.level === 'info' && record.signal === undefined && !record.message.startsWith('[');
}

/** What `--capture-content` says of a log record's content: send it (cut to `maxBytes`), or not. */
export interface LogContentPolicy {
  capture: boolean;
  maxBytes: number;
}

/**
 * The body of a reply-content record: without capture, a placeholder saying what was left out and
 * how to send it (the record stays, so the line's place in the trace is still seen); with it, the
 * text cut to `maxBytes` as span content is. `text` is the message already scrubbed (ids hashed,
 * --redact), so a cut never leaves half a session key unhashed.
 */
export function replyBody(text: string, policy: LogContentPolicy): string {
  if (policy.capture) return truncateContent(text, policy.maxBytes);
  return `[reply text omitted (${text.length} characters): --capture-content sends it]`;
}
