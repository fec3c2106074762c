import { describe, expect, it } from 'vitest';
import { ExportedSpans } from '../../../src/reconstruct/exported-spans.js';
import type { SpanRecord } from '../../../src/model/span-record.js';

const span = (spanId: string): SpanRecord => ({ traceId: 't', spanId, name: 's', kind: 'internal', startMs: 0, endMs: 0, attributes: {}, status: { code: 'unset' }, events: [] });

describe('ExportedSpans', () => {
  it('hands out each span once per trace, and remembers what it handed out', () => {
    const memory = new ExportedSpans(10);
    expect(memory.takeFresh('k', [span('a'), span('b')]).map((s) => s.spanId)).toEqual(['a', 'b']);
    expect(memory.takeFresh('k', [span('a'), span('c')]).map((s) => s.spanId)).toEqual(['c']);
    expect(memory.takeFresh('other', [span('a')]).map((s) => s.spanId)).toEqual(['a']);
    expect([...memory.entries()]).toEqual([
      { key: 'k', spanIds: ['a', 'b', 'c'] },
      { key: 'other', spanIds: ['a'] },
    ]);
  });

  it('forgets the least recently exported trace past its bound, and spans that were not delivered', () => {
    const memory = new ExportedSpans(2);
    memory.remember('one', ['a']);
    memory.remember('two', ['a']);
    memory.remember('one', ['b']);
    memory.remember('three', ['a']);
    expect([...memory.entries()].map((e) => e.key)).toEqual(['one', 'three']);
    memory.forget('one', ['a', 'b']);
    expect(memory.has('one')).toBe(false);
  });

  it('tells traces known from before a restart until this run exports spans of them', () => {
    const memory = new ExportedSpans(10);
    memory.remember('k', ['a'], true);
    expect(memory.beforeRestart('k')).toBe(true);
    memory.takeFresh('k', [span('b')]);
    expect(memory.beforeRestart('k')).toBe(false);
  });
});
