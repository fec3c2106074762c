import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundaryProblems, RULES, type BoundaryException, type FolderRule } from './boundaries.js';
import { collectImports, cyclesOf, type ImportEdge } from './import-graph.js';

const SRC = join(import.meta.dirname, '..', '..', '..', 'src');

describe('the boundaries between the folders of src/', () => {
  const edges = collectImports(SRC);

  it('reads the imports it checks', () => {
    // The graph is not empty and resolves: a parser that found nothing would pass every rule.
    expect(edges.length).toBeGreaterThan(300);
    for (const edge of edges) expect(existsSync(join(SRC, edge.to)), `${edge.from} imports ${edge.to}`).toBe(true);
    expect(edges).toContainEqual({ from: 'export/readable-span.ts', to: 'model/span-record.ts', typeOnly: true });
    expect(edges).toContainEqual({ from: 'export/create-exporter.ts', to: 'export/otlp-exporter.ts', typeOnly: false });
  });

  it('has a rule for every folder of src/', () => {
    const folders = new Set(edges.flatMap((e) => [e.from, e.to]).map((path) => path.split('/')[0]));
    for (const folder of folders) expect(RULES, `no rule for ${folder}/`).toHaveProperty([folder as string]);
  });

  it('keeps every import inside the rule, with no folder or file cycle but the listed ones', () => {
    expect(boundaryProblems(edges)).toEqual([]);
  });

  it('lets model/ import nothing outside itself', () => {
    expect(edges.filter((e) => e.from.startsWith('model/') && !e.to.startsWith('model/'))).toEqual([]);
  });
});

describe('boundaryProblems', () => {
  const rules: Record<string, FolderRule> = {
    model: { values: [], types: [] },
    parsers: { values: ['model'], types: ['model'] },
    reconstruct: { values: ['model'], types: ['model', 'parsers'] },
  };
  const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly });

  it('allows what the rule allows', () => {
    const edges = [edge('parsers/a.ts', 'model/records.ts'), edge('reconstruct/b.ts', 'parsers/a.ts', true), edge('reconstruct/b.ts', 'reconstruct/c.ts')];
    expect(boundaryProblems(edges, rules, [], [])).toEqual([]);
  });

  it('names a value import where only types may cross', () => {
    expect(boundaryProblems([edge('reconstruct/b.ts', 'parsers/a.ts')], rules, [], [])).toEqual([
      'reconstruct/b.ts imports values from parsers/a.ts: reconstruct/ may not import values from parsers/ (move the shared part to model/, or pass it in from pipeline/)',
    ]);
  });

  it('names an import from a folder the rule does not list, and any import of a folder without a rule', () => {
    const problems = boundaryProblems([edge('parsers/a.ts', 'reconstruct/b.ts', true), edge('cli/main.ts', 'model/x.ts')], rules, [], []);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('parsers/ may not import types from reconstruct/');
    expect(problems[1]).toContain('cli/ may not import values from model/');
  });

  it('lets a listed exception through and fails when it is no longer used', () => {
    const exception: BoundaryException = { from: 'reconstruct/b.ts', to: 'parsers/a.ts', why: 'test' };
    expect(boundaryProblems([edge('reconstruct/b.ts', 'parsers/a.ts')], rules, [exception], [])).toEqual([]);
    expect(boundaryProblems([], rules, [exception], [])).toEqual([
      'exception reconstruct/b.ts -> parsers/a.ts is no longer needed: remove it from EXCEPTIONS',
    ]);
    // An exception names one import: another file's import across the same boundary still fails.
    expect(boundaryProblems([edge('reconstruct/b.ts', 'parsers/a.ts'), edge('reconstruct/c.ts', 'parsers/a.ts')], rules, [exception], [])).toHaveLength(1);
  });

  it('finds a folder cycle even through allowed and excepted imports, and a known one that is gone', () => {
    const edges = [edge('parsers/a.ts', 'model/records.ts'), edge('model/records.ts', 'parsers/a.ts', true)];
    const exception: BoundaryException = { from: 'model/records.ts', to: 'parsers/a.ts', why: 'test' };
    const problems = boundaryProblems(edges, rules, [exception], []);
    expect(problems).toEqual(['folder cycle model <-> parsers, through: parsers/a.ts -> model/records.ts, model/records.ts -> parsers/a.ts', 'file cycle: model/records.ts <-> parsers/a.ts (move what both need into a file of its own)']);
    expect(boundaryProblems([edge('parsers/a.ts', 'model/records.ts')], rules, [], [['parsers', 'model']])).toEqual([
      'folder cycle model <-> parsers is gone: remove it from KNOWN_FOLDER_CYCLES',
    ]);
  });

  it('finds a file cycle inside a folder', () => {
    const edges = [edge('parsers/a.ts', 'parsers/b.ts', true), edge('parsers/b.ts', 'parsers/c.ts'), edge('parsers/c.ts', 'parsers/a.ts')];
    expect(boundaryProblems(edges, rules, [], [])).toEqual(['file cycle: parsers/a.ts <-> parsers/b.ts <-> parsers/c.ts (move what both need into a file of its own)']);
  });
});

describe('cyclesOf', () => {
  it('returns each cycle once, sorted, and no acyclic part', () => {
    const cycles = cyclesOf([
      ['a', 'b'],
      ['b', 'a'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'c'],
      ['e', 'f'],
      ['f', 'f'],
    ]);
    expect(cycles).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
  });
});

