import type { ResolvedConfig } from '../../config/resolve-config.js';
import { contentTransform } from './content-capture.js';
import { genAiConventionsTransform } from './genai-conventions.js';
import { resolveIdSalt } from './id-salt.js';
import { idPrivacyTransform } from './id-privacy.js';
import { PRESETS_WITH_USER, presetAttributesTransform, userIdTransform } from './preset-attributes.js';
import { compileRedactions, redactTransform } from './redact.js';
import { openclawSemconvTransform } from './semconv-openclaw.js';
import type { SpanTransform } from './span-transform.js';

export interface SpanTransformContext {
  /** Needed only when ids are hashed and no salt is configured. */
  stateDir?: string | undefined;
  warn?: ((message: string) => void) | undefined;
}

export type PolicyConfig = Pick<ResolvedConfig, 'preset' | 'semconv' | 'sessionIds' | 'chatIds' | 'idSalt' | 'captureContent' | 'maxContentBytes' | 'redact'>;

/**
 * The policy with everything that touches the outside world done once: the
 * content warning said, the salt of hashed ids read or created. What is left is
 * plain data, so the steps can be built again elsewhere (in the export worker).
 */
export function resolvedPolicy(config: PolicyConfig, context: SpanTransformContext = {}): PolicyConfig {
  if (config.captureContent) {
    context.warn?.(
      `--capture-content is on: prompts, outputs, tool arguments and results are exported when the input carries them (each cut to ${config.maxContentBytes} bytes); they can hold personal data.`,
    );
  }
  const hashing = config.sessionIds === 'hash' || config.chatIds === 'hash';
  if (!hashing || (config.idSalt !== undefined && config.idSalt !== '')) return pickPolicy(config);
  if (context.stateDir === undefined) throw new Error('spanTransforms: hashing ids needs a salt or a state directory');
  return { ...pickPolicy(config), idSalt: resolveIdSalt(undefined, context.stateDir) };
}

/**
 * The steps every trace goes through before any exporter, from a resolved
 * policy (see resolvedPolicy; pure, no I/O), in this order: content (dropped,
 * or cut) → what the GenAI conventions ask across spans (genai-conventions.ts)
 * → the user of a direct session (for presets that show users) → ids hashed
 * or omitted → the preset's attributes (copied from the already hashed
 * ids) → OpenClaw span names → redaction, last, so it sees every string that
 * leaves.
 */
export function transformSteps(policy: PolicyConfig): SpanTransform[] {
  const steps: SpanTransform[] = [contentTransform(policy.captureContent, policy.maxContentBytes), genAiConventionsTransform()];
  if (PRESETS_WITH_USER.has(policy.preset)) steps.push(userIdTransform());
  const salt = policy.idSalt;
  const privacy = idPrivacyTransform({ sessionIds: policy.sessionIds, chatIds: policy.chatIds, ...(salt === undefined || salt === '' ? {} : { salt }) });
  if (privacy !== undefined) steps.push(privacy);
  const preset = presetAttributesTransform(policy.preset);
  if (preset !== undefined) steps.push(preset);
  if (policy.semconv === 'openclaw') steps.push(openclawSemconvTransform());
  const redactions = compileRedactions(policy.redact ?? []);
  if (redactions.length > 0) steps.push(redactTransform(redactions));
  return steps;
}

function pickPolicy(config: PolicyConfig): PolicyConfig {
  const { preset, semconv, sessionIds, chatIds, idSalt, captureContent, maxContentBytes, redact } = config;
  return {
    preset,
    semconv,
    sessionIds,
    chatIds,
    captureContent,
    maxContentBytes,
    ...(idSalt === undefined ? {} : { idSalt }),
    ...(redact === undefined ? {} : { redact }),
  };
}
