// What bin/otel-tail runs: dist/ (tsc's output, one file per module) bundled with its dependencies
// into dist/bundle/, the CLI and the export worker as entries, the code they share and each lazily
// loaded command in chunks beside them. Loading ~150 modules of ours and ~100 CommonJS modules of the
// OpenTelemetry packages one by one (resolve, read, compile, link) was most of a backfill's fixed
// cost: the sample's backfill took 0.67 s of wall and 0.92 s of CPU that way, 0.51 s and 0.65 s
// bundled (median of 9, interleaved; README, "Performance").
//
// The paths the code finds at run time stay valid: dist/bundle/ is two levels below the package
// root, as dist/cli/ and dist/export/ are (package.json, bin/otel-tail, node_modules), and the
// worker's entry sits in the same folder as every chunk (`new URL('./otlp-export-worker.js',
// import.meta.url)`). Packages loaded with createRequire (gRPC, resources, yaml, the response
// deserializers, the GenAI metrics SDK) are not bundled: they load from node_modules when a run
// needs them.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const outdir = `${dist}bundle`;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [`${dist}cli/main.js`, `${dist}export/otlp-export-worker.js`],
  outdir,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The OpenTelemetry packages' ES module builds, where a package has one: unlike their CommonJS
  // builds they can be tree-shaken (the semantic conventions alone were 200 kB of the worker's code).
  mainFields: ['module', 'main'],
  // Bundled CommonJS packages call require() for Node's built-in modules: an ES module has none of its own.
  banner: { js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);" },
  // Maps back through tsc's maps to src/*.ts, for `node --enable-source-maps`.
  sourcemap: 'linked',
  logLevel: 'warning',
});
