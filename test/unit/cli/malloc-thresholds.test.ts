import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The compiled module (npm test builds first): the child process runs it as bin/otel-tail would.
const MODULE = new URL('../../../dist/cli/malloc-thresholds.js', import.meta.url);
const glibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime !== undefined;

/**
 * Page faults of a child node process that allocates and frees four 1 MiB buffers forty times, as
 * a backfill's gunzip chunks come and go, after raiseMallocThresholds or not.
 */
function faultsOfChurn(raise: boolean): number {
  const script = `
    const { raiseMallocThresholds } = await import(${JSON.stringify(MODULE.href)});
    if (${String(raise)}) raiseMallocThresholds();
    globalThis.gc();
    const before = process.resourceUsage().minorPageFault;
    for (let round = 0; round < 40; round++) {
      let held = [];
      for (let i = 0; i < 4; i++) held.push(Buffer.allocUnsafe(1 << 20).fill(round));
      held = undefined;
      globalThis.gc();
    }
    process.stdout.write(String(process.resourceUsage().minorPageFault - before));`;
  return Number(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' }));
}

describe.runIf(glibc)('raiseMallocThresholds (glibc)', () => {
  it('has freed buffers reused instead of handed back to the kernel and faulted in again', () => {
    expect(existsSync(fileURLToPath(MODULE)), 'dist/ is built').toBe(true);
    const before = faultsOfChurn(false);
    const after = faultsOfChurn(true);
    // Measured: 5,600–8,500 page faults without, ~1,900 with (most of those from the collections themselves).
    expect(after * 2).toBeLessThan(before);
  });
});
