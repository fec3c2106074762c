import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandInputs } from '../../../src/sources/expand-inputs.js';

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'otel-tail-expand-'));
  mkdirSync(join(root, 'a', 'b'), { recursive: true });
  for (const path of ['x.log', 'y.log.gz', '.hidden.log', 'a/z.log', 'a/b/w.log', 'a/b/notes.txt']) writeFileSync(join(root, path), 'x\n');
  return root;
}

describe('expandInputs', () => {
  it('expands globs itself: * and ? within a name, ** across directories, hidden files only when asked', async () => {
    const root = tree();
    expect(await expandInputs([join(root, '*.log')])).toEqual([join(root, 'x.log')]);
    expect(await expandInputs([join(root, '?.log*')])).toEqual([join(root, 'x.log'), join(root, 'y.log.gz')]);
    expect(await expandInputs([join(root, '**', '*.log')])).toEqual([join(root, 'a/b/w.log'), join(root, 'a/z.log'), join(root, 'x.log')]);
    expect(await expandInputs([join(root, '.*.log')])).toEqual([join(root, '.hidden.log')]);
    expect(await expandInputs([join(root, '[xy].log*')])).toEqual([join(root, 'x.log'), join(root, 'y.log.gz')]);
  });

  it('takes a directory as its visible files, keeps - for stdin, and lists each file once', async () => {
    const root = tree();
    expect(await expandInputs([root, join(root, 'x.log'), '-'])).toEqual([join(root, 'x.log'), join(root, 'y.log.gz'), '-']);
  });

  it('names an argument that matches nothing', async () => {
    const root = tree();
    await expect(expandInputs([join(root, '*.json')])).rejects.toThrow(/\*\.json: no file matches this pattern/);
    await expect(expandInputs([join(root, 'missing.log')])).rejects.toThrow(/missing\.log: no such file or directory/);
  });

  it('says a directory exists but holds no file to read, and how to reach the ones below it', async () => {
    const root = tree();
    mkdirSync(join(root, 'empty'));
    await expect(expandInputs([join(root, 'empty')])).rejects.toThrow(`${join(root, 'empty')}: a directory with no files in it`);
    // Only a subdirectory and a hidden file: neither is read, and the glob that would reach below is offered.
    mkdirSync(join(root, 'only-dirs', 'inner'), { recursive: true });
    writeFileSync(join(root, 'only-dirs', '.hidden.log'), 'x\n');
    await expect(expandInputs([join(root, 'only-dirs')])).rejects.toThrow(`quoted glob such as '${join(root, 'only-dirs', '**', '*.log.gz')}'`);
  });
});
