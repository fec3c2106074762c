// The bench runs compiled in bench/out/ (tsconfig.bench.json), and test/support/otlp-receiver
// reads its .proto files from next to itself: put copies where the compiled receiver looks.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';

const source = new URL('../test/support/', import.meta.url);
const dir = new URL('../bench/out/test/support/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const name of readdirSync(source)) {
  if (name.endsWith('.proto')) copyFileSync(new URL(name, source), new URL(name, dir));
}
