// Digest of what the span transforms send, to show a change to them leaves the output byte-identical:
// node scripts/transform-digest.mjs DUMP [ROOT]
// DUMP: a v8-serialised { traces: FinishedTrace[], setup: { otlp, policy } } (what a backfill hands the export worker);
// ROOT: the checkout whose dist/ holds the transforms (default: this one). Prints, per policy (the dump's and variants
// of it), the sha256 of every OTLP request the exporter's encodeRequests makes after the transforms, and of idTextPrivacy over
// every string. Run it on the old and the new build (`npx tsc -p tsconfig.json` first) and compare the lines.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';

const [dumpPath, root = new URL('..', import.meta.url).pathname] = process.argv.slice(2);
if (dumpPath === undefined) throw new Error('usage: node scripts/transform-digest.mjs DUMP [ROOT]');
const { transformSteps } = await import(`${root}/dist/export/span-transform/span-transforms.js`);
const { idTextPrivacy } = await import(`${root}/dist/export/span-transform/id-privacy.js`);
// Encoding from this checkout: only the transforms differ between the two runs being compared.
const { encodeRequests } = await import('../dist/export/request-batches.js');
const { TraceRequestWriter } = await import('../dist/export/trace-request-writer.js');

const dump = readFileSync(dumpPath);
const { setup } = deserialize(dump);
const VARIANTS = {
  dump: {},
  sessionsOmit: { sessionIds: 'omit' },
  chatsOmit: { chatIds: 'omit' },
  bothOmit: { sessionIds: 'omit', chatIds: 'omit' },
  sessionsRaw: { sessionIds: 'raw' },
  chatsRaw: { chatIds: 'raw' },
  allRaw: { sessionIds: 'raw', chatIds: 'raw' },
  semconvOpenclaw: { semconv: 'openclaw' },
  capture: { captureContent: true, maxContentBytes: 200 },
  langfuse: { preset: 'langfuse' },
  phoenixOmit: { preset: 'phoenix', sessionIds: 'omit' },
  braintrust: { preset: 'braintrust' },
  redact: { redact: ['fake-[a-z]+', 'helper'] },
  honeycombMixed: { preset: 'honeycomb', chatIds: 'omit', semconv: 'openclaw' },
};
const salt = setup.policy.idSalt ?? 'transform-digest';
for (const [name, variant] of Object.entries(VARIANTS)) {
  const policy = { ...setup.policy, idSalt: salt, ...variant };
  const steps = transformSteps(policy);
  const { traces } = deserialize(dump);
  const protobuf = createHash('sha256');
  const writer = new TraceRequestWriter(setup.otlp.resource);
  for (let i = 0; i < traces.length; i += 100) {
    const batch = traces.slice(i, i + 100);
    for (const trace of batch) for (const step of steps) step(trace);
    for (const { body } of encodeRequests(batch, writer, { maxSpans: 512, maxBytes: 4 << 20 })) protobuf.update(body);
  }
  const text = createHash('sha256');
  const privacy = idTextPrivacy({ sessionIds: policy.sessionIds, chatIds: policy.chatIds, salt });
  for (const trace of deserialize(dump).traces) {
    for (const span of trace.spans) {
      for (const map of [span.attributes, ...span.events.map((event) => event.attributes ?? {})]) {
        for (const value of Object.values(map)) if (typeof value === 'string') text.update(`${privacy?.(value) ?? value}\0`);
      }
    }
  }
  console.log(name.padEnd(16), 'protobuf', protobuf.digest('hex').slice(0, 32), 'text', text.digest('hex').slice(0, 16));
}
