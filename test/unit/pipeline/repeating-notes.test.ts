import { describe, expect, it } from 'vitest';
import { RateLimitedNote, TroubleSpell } from '../../../src/pipeline/repeating-notes.js';

describe('RateLimitedNote', () => {
  it('is due at once, then only a minute after the last note was said', () => {
    let now = 1_000_000;
    const note = new RateLimitedNote(() => now);
    expect(note.due).toBe(true);
    note.said();
    now += 59_999;
    expect(note.due).toBe(false);
    now += 1;
    expect(note.due).toBe(true);
    note.said();
    expect(note.due).toBe(false);
  });
});

describe('TroubleSpell', () => {
  it('says a trouble once when it starts and once when it ends, not at each failure between', () => {
    const said: string[] = [];
    const spell = new TroubleSpell();
    spell.ended(() => said.push('ended before any trouble'));
    spell.failed(() => said.push('down'));
    spell.failed(() => said.push('down again'));
    expect(spell.active).toBe(true);
    spell.ended(() => said.push('back'));
    spell.ended(() => said.push('back again'));
    spell.failed(() => said.push('down B'));
    expect(said).toEqual(['down', 'back', 'down B']);
  });
});
