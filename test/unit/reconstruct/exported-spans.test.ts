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

  it('holds W3C span ids packed while a trace is small: only whole ids match, and a large trace keeps every id', () => {
    const memory = new ExportedSpans(10);
    const id = (n: number): string => n.toString(16).padStart(16, '0');
    memory.remember('k', ['0123456789abcdef', 'fedcba9876543210']);
    // The tail of the first id and the head of the second read as an id, across the boundary: not one that was exported.
    expect(memory.takeFresh('k', [span('89abcdeffedcba98'), span('fedcba9876543210')]).map((s) => s.spanId)).toEqual(['89abcdeffedcba98']);
    const many = Array.from({ length: 100 }, (_, n) => id(n + 1));
    expect(memory.takeFresh('big', many.map(span))).toHaveLength(100);
    expect(memory.takeFresh('big', [...many, id(101)].map(span)).map((s) => s.spanId)).toEqual([id(101)]);
    expect([...memory.entries()].find((e) => e.key === 'big')?.spanIds).toEqual([...many, id(101)]);
    memory.forget('k', ['fedcba9876543210']);
    expect([...memory.entries()].find((e) => e.key === 'k')?.spanIds).toEqual(['0123456789abcdef', '89abcdeffedcba98']);
    memory.remember('short', ['a', '0123456789abcdef']);
    expect(memory.takeFresh('short', [span('a'), span('0123456789abcdef'), span('b')]).map((s) => s.spanId)).toEqual(['b']);
  });

  it('remembers a trace handed out whole as it remembers its ids one by one (duplicates once, odd ids, past the packed size)', () => {
    const id = (n: number): string => n.toString(16).padStart(16, '0');
    const lists = [[id(1)], [id(1), id(2), id(1)], [id(1), 'short', id(2)], Array.from({ length: 32 }, (_, n) => id(n)), Array.from({ length: 33 }, (_, n) => id(n))];
    for (const ids of lists) {
      const whole = new ExportedSpans(10);
      const oneByOne = new ExportedSpans(10);
      expect(whole.takeFresh('k', ids.map(span))).toHaveLength(ids.length);
      // One call per id: each after the first adds to a trace already known, never the whole list at once.
      for (const one of ids) oneByOne.remember('k', [one]);
      expect([...whole.entries()]).toEqual([...oneByOne.entries()]);
      expect(whole.takeFresh('k', [...ids, id(99)].map(span)).map((s) => s.spanId)).toEqual([id(99)]);
    }
  });
});
