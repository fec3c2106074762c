// OpenClaw plugin entry: plain ESM, no build, no node_modules (the gateway resolves
// openclaw/plugin-sdk/* itself). Leaving includeTrusted unset delivers the trusted events too.
// The bus is imported statically: the gateway's loader resolves openclaw/* for static imports
// only (a dynamic import() fails on 2026.4.14: "Cannot find package 'openclaw'"). So on a release
// without openclaw/plugin-sdk/diagnostic-runtime (before 2026.3.28) the gateway reports the
// missing module itself, before register() runs.
import { onInternalDiagnosticEvent } from 'openclaw/plugin-sdk/diagnostic-runtime';
import { createEventsPlugin } from './plugin.js';
import { defaultEventsDir } from './state-dir.js';

export default createEventsPlugin({
  subscribe: (listener) => onInternalDiagnosticEvent(listener),
  defaultDir: defaultEventsDir,
});
