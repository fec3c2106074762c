import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The compiled module (npm test builds first): the child process runs it as bin/otel-tail would.
const MODULE = new URL('../../../dist/cli/malloc-thresholds.js', import.meta.url);
const glibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime !== undefined;

/**
 * Page faults of a child node process that writes and drops 40 buffers, each 64 KiB larger than the
 * one before (256 KiB to 2.75 MiB), after raiseMallocThresholds or not. Without it, each buffer is
 * above the mmap threshold glibc adjusted to the last one freed: mapped fresh, every page faulted in,
 * unmapped when freed. With it, they come from malloc's heap, which keeps what was freed. The buffers
 * are freed inside each collection (no concurrent sweeping), so the count does not depend on how busy
 * the machine is. A churn of equal 1 MiB buffers freed by V8's sweeper thread, as in a backfill, gave
 * 10,000–44,000 faults without against ~2,400 with, but once only 2,641 against 2,639 with the two
 * cores busy: glibc trims only what the sweeper has freed by then.
 */
function faultsOfGrowingBuffers(raise: boolean): number {
  const script = `
    const { raiseMallocThresholds } = await import(${JSON.stringify(MODULE.href)});
    if (${String(raise)}) raiseMallocThresholds();
    globalThis.gc();
    const before = process.resourceUsage().minorPageFault;
    for (let round = 0; round < 40; round++) {
      let block = Buffer.allocUnsafe((256 << 10) + round * (64 << 10)).fill(round);
      block = undefined;
      globalThis.gc({ type: 'minor' });
    }
    process.stdout.write(String(process.resourceUsage().minorPageFault - before));`;
  const args = ['--expose-gc', '--no-concurrent-array-buffer-sweeping', '--input-type=module', '-e', script];
  return Number(execFileSync(process.execPath, args, { encoding: 'utf8' }));
}

describe.runIf(glibc)('raiseMallocThresholds (glibc)', () => {
  it('has freed buffers reused instead of handed back to the kernel and faulted in again', () => {
    expect(existsSync(fileURLToPath(MODULE)), 'dist/ is built').toBe(true);
    const before = faultsOfGrowingBuffers(false);
    const after = faultsOfGrowingBuffers(true);
    // Measured: 15,300 page faults without (the 60 MiB written, page by page), 760–850 with (the largest
    // buffer once, and the collections), idle or with the two cores busy.
    expect(after * 5).toBeLessThan(before);
  });
});
