// The bench runs compiled in bench/out/ (tsconfig.bench.json), and test/support/otlp-receiver
// reads its .proto from next to itself: put a copy where the compiled receiver looks.
import { copyFileSync, mkdirSync } from 'node:fs';

const dir = new URL('../bench/out/test/support/', import.meta.url);
mkdirSync(dir, { recursive: true });
copyFileSync(new URL('../test/support/otlp-trace.proto', import.meta.url), new URL('otlp-trace.proto', dir));
