import { idTextPrivacy } from '../span-transform/id-privacy.js';
import { compileRedactions, maskMatches } from '../span-transform/redact.js';
import type { PolicyConfig } from '../span-transform/span-transforms.js';
import type { LogContentPolicy } from './reply-content.js';

/** A text scrub that also carries what --capture-content says of reply text (toOtlpLogRecord reads it). */
export type LogScrub = ((text: string) => string) & { content?: LogContentPolicy };

/**
 * What every string of a log record goes through before it leaves, from a resolved policy
 * (span-transforms.ts `resolvedPolicy`: the salt already read): session keys, session ids and chat ids
 * hashed or omitted as they are in spans (the same hash for the same id, so a log line and its span
 * agree), then `--redact`, last. It carries `--capture-content` for the bodies that are reply text.
 */
export function logTextScrub(policy: Pick<PolicyConfig, 'sessionIds' | 'chatIds' | 'idSalt' | 'redact'> & Partial<Pick<PolicyConfig, 'captureContent' | 'maxContentBytes'>>): LogScrub {
  const scrub: LogScrub = textScrub(policy);
  // Not said is off: reply text leaves only when asked for.
  scrub.content = { capture: policy.captureContent === true, maxBytes: policy.maxContentBytes ?? 0 };
  return scrub;
}

function textScrub(policy: Pick<PolicyConfig, 'sessionIds' | 'chatIds' | 'idSalt' | 'redact'>): (text: string) => string {
  const salt = policy.idSalt;
  const privacy = idTextPrivacy({ sessionIds: policy.sessionIds, chatIds: policy.chatIds, ...(salt === undefined || salt === '' ? {} : { salt }) });
  const redactions = compileRedactions(policy.redact ?? []);
  if (redactions.length === 0) return privacy === undefined ? (text) => text : (text) => privacy(text);
  if (privacy === undefined) return (text) => maskMatches(text, redactions);
  return (text) => maskMatches(privacy(text), redactions);
}
