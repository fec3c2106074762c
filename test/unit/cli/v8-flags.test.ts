import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { v8FlagsToSet } from '../../../src/cli/v8-flags.js';

describe('V8 settings at start-up', () => {
  it('sets the heap growth factor and the interrupt budget', () => {
    expect(v8FlagsToSet([])).toEqual(['--heap-growing-percent=100', '--interrupt-budget=270336']);
  });

  it("leaves each one the operator gave on node's command line", () => {
    expect(v8FlagsToSet(['--interrupt-budget=67584'])).toEqual(['--heap-growing-percent=100']);
    expect(v8FlagsToSet(['--heap-growing-percent=300', '--enable-source-maps'])).toEqual(['--interrupt-budget=270336']);
    // A longer flag that only starts with the same name is not the same flag.
    expect(v8FlagsToSet(['--interrupt-budget-for-feedback-allocation=100'])).toEqual(['--heap-growing-percent=100', '--interrupt-budget=270336']);
  });

  it('names flags this node accepts', () => {
    // setFlagsFromString ignores a name V8 does not know: node itself must start with each one.
    for (const flag of v8FlagsToSet([])) expect(execFileSync(process.execPath, [flag, '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' })).toBe('ok');
  });
});
