import { describe, expect, it } from 'vitest';
import type { IdMode } from '../../../../src/config/resolve-config.js';
import { IdHasher, idPrivacyTransform, OMITTED, type IdPrivacyOptions } from '../../../../src/export/span-transform/id-privacy.js';
import { copyTrace } from '../../../../src/export/span-transform/span-transform.js';
import type { FinishedTrace, SpanRecord } from '../../../../src/model/span-record.js';
import { referenceIdPrivacy } from '../../../support/reference-id-privacy.js';
import { sampleTraces } from '../../../support/sample-traces.js';

const SALT = 'salt-1';
const h = (raw: string): string => new IdHasher(SALT).hash(raw);
const KEY = 'agent:ops:telegram:direct:48213377';
const MSG = 'msg-900123';
/** A string in two traces, holding a raw id of the first only. */
const SHARED = `see ${MSG} at agent:ops:main`;

function span(name: string, attributes: SpanRecord['attributes'], events: SpanRecord['events'] = [], parentSpanId?: string): SpanRecord {
  return { traceId: 'c'.repeat(32), spanId: `${name.length}`.padStart(16, '0'), ...(parentSpanId === undefined ? {} : { parentSpanId }), name, kind: 'internal', startMs: 1, endMs: 2, attributes, status: { code: 'unset' }, events };
}

/** Ids where the fast paths must still find them: at the start, middle and end of strings, inside other ids, as fields, in arrays, names and statuses. */
function edgeTrace(): FinishedTrace {
  const root = span(`lane session:${KEY}`, { 'openclaw.session.key': KEY, 'openclaw.message.id': MSG, 'openclaw.run.id': MSG }, [
    { name: `queued ${MSG}`, timeMs: 1, attributes: { chatId: 48213377, lane: `session:${KEY}`, note: `${MSG} first`, tail: `last ${MSG}`, mid: `a ${MSG} b ${MSG}c` } },
    { name: 'log', timeMs: 2, attributes: { 'log.message': `reply chatId=777 messageId="m-1" sessionKey=${KEY} sessionId=s-42 session_id=zz peerId=p1,rest`, list: ['plain', `x ${MSG}`, 3, true] as never } },
    { name: 'bare', timeMs: 3 },
  ]);
  root.status = { code: 'error', message: `failed for ${MSG} in agent:ops:main` };
  // The peer id alone (shorter than its session key, found inside it) and an id that is a prefix of another.
  const child = span('child', { peer: '48213377 wrote', other: 'msg-9001234 is not msg-900123 x', model: 'gpt-5.1', n: 5, both: SHARED }, [], root.spanId);
  return { traceId: 'c'.repeat(32), incomplete: false, spans: [root, child] };
}

/** A second trace with the same strings but none of the first trace's ids: nothing found in the first may leak into it. */
function otherTrace(): FinishedTrace {
  return { traceId: 'd'.repeat(32), incomplete: false, spans: [span('other', { 'openclaw.message.id': 'msg-555555', note: `${MSG} first`, 'log.message': `lane ${MSG}`, both: SHARED })] };
}

function through(step: ((trace: FinishedTrace) => void) | undefined, traces: readonly FinishedTrace[]): FinishedTrace[] {
  return traces.map((trace) => {
    const copy = copyTrace(trace);
    step?.(copy);
    return copy;
  });
}

describe('id privacy: ids anywhere in a string', () => {
  const [root, child] = through(idPrivacyTransform({ sessionIds: 'hash', chatIds: 'hash', salt: SALT }), [edgeTrace()])[0]?.spans as SpanRecord[];
  const [event, log, bare] = root?.events ?? [];

  it('finds raw ids at the start, middle and end of values, event names and status messages', () => {
    expect(event?.attributes).toMatchObject({ note: `${h(MSG)} first`, tail: `last ${h(MSG)}`, mid: `a ${h(MSG)} b ${h(MSG)}c` });
    expect(event?.name).toBe(`queued ${h(MSG)}`);
    expect(root?.attributes['openclaw.run.id']).toBe(h(MSG));
    expect(root?.status.message).toBe(`failed for ${h(MSG)} in ${h('agent:ops:main')}`);
    expect(root?.name).toBe(`lane session:${h(KEY)}`);
    expect(bare?.name).toBe('bare');
  });

  it('hashes a session key whole, and the peer id inside it only where it stands alone', () => {
    expect(event?.attributes?.['lane']).toBe(`session:${h(KEY)}`);
    expect(child?.attributes['peer']).toBe(`${h('48213377')} wrote`);
    // A longer id that merely starts like a raw id keeps its tail: raw ids are searched as substrings.
    expect(child?.attributes['other']).toBe(`${h(MSG)}4 is not ${h(MSG)} x`);
  });

  it('hashes key=value fields, quoted or not, whatever their length', () => {
    // The session key is hashed by its shape first; its field then holds the hash, which the field rule hashes again.
    expect(log?.attributes?.['log.message']).toBe(`reply chatId=${h('777')} messageId="${h('m-1')}" sessionKey=${h(h(KEY))} sessionId=${h('s-42')} session_id=${h('zz')} peerId=${h('p1')},rest`);
  });

  it('rewrites array items that are strings and leaves the others', () => {
    expect(log?.attributes?.['list']).toEqual(['plain', `x ${h(MSG)}`, 3, true]);
  });

  it('leaves strings that hold no id as they are', () => {
    expect(child?.attributes).toMatchObject({ model: 'gpt-5.1', n: 5, both: `see ${h(MSG)} at ${h('agent:ops:main')}` });
  });

  it('searches each trace only for its own raw ids', () => {
    const [, other] = through(idPrivacyTransform({ sessionIds: 'hash', chatIds: 'hash', salt: SALT }), [edgeTrace(), otherTrace()]);
    expect(other?.spans[0]?.attributes).toMatchObject({ note: `${MSG} first`, 'log.message': `lane ${MSG}`, 'openclaw.message.id': h('msg-555555') });
    expect(other?.spans[0]?.attributes['both']).toBe(`see ${MSG} at ${h('agent:ops:main')}`);
  });

  it('marks ids omitted, and leaves a class sent raw untouched', () => {
    const [omitted] = through(idPrivacyTransform({ sessionIds: 'omit', chatIds: 'raw' }), [edgeTrace()]);
    const out = omitted?.spans[0] as SpanRecord;
    expect(out.attributes).toEqual({ 'openclaw.message.id': MSG, 'openclaw.run.id': MSG });
    expect(out.events[0]?.attributes).toMatchObject({ chatId: 48213377, lane: `session:${OMITTED}`, note: `${MSG} first` });
    expect(out.events[1]?.attributes?.['log.message']).toBe(`reply chatId=777 messageId="m-1" sessionKey=${OMITTED} sessionId=${OMITTED} session_id=${OMITTED} peerId=p1,rest`);
  });
});

describe('id privacy: the same output as the plain rule', () => {
  const MODES: IdMode[] = ['hash', 'omit', 'raw'];
  const inputs = [...sampleTraces(), edgeTrace(), otherTrace()];

  it.each(MODES.flatMap((sessionIds) => MODES.map((chatIds) => ({ sessionIds, chatIds }))))('sessions $sessionIds, chats $chatIds: identical to the reference on every sample trace', ({ sessionIds, chatIds }) => {
    const options: IdPrivacyOptions = { sessionIds, chatIds, salt: SALT };
    const ours = through(idPrivacyTransform(options), inputs);
    const reference = sessionIds === 'raw' && chatIds === 'raw' ? through(undefined, inputs) : through(referenceIdPrivacy(options), inputs);
    // Key order is part of the output (the protobuf lists attributes in it): compare serialised.
    expect(JSON.stringify(ours)).toBe(JSON.stringify(reference));
    if (sessionIds === 'hash' && chatIds === 'hash') expect(JSON.stringify(ours)).not.toContain('agent:');
  });
});
