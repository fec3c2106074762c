import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The otel-tail checkout, found by walking up to its package.json: the bench runs compiled
 * from bench/out/bench/, so paths relative to its own URL would point into bench/out.
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'otel-tail') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bench: no otel-tail package.json above the bench');
    dir = parent;
  }
}
