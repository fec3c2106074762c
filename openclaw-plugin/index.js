// OpenClaw plugin entry: plain ESM, no build, no node_modules (the gateway resolves
// openclaw/plugin-sdk/* itself). Leaving includeTrusted unset delivers the trusted events too.
// The bus is imported statically (the gateway's loader resolves openclaw/* for static imports
// only: a dynamic import() fails on 2026.4.14), as a namespace, so that a release whose module
// lacks onInternalDiagnosticEvent (2026.3.28 to 2026.4.26) still loads this file and register()
// can say which release is needed. Before 2026.3.28 the module itself is missing, and the gateway
// says so.
import * as diagnostics from 'openclaw/plugin-sdk/diagnostic-runtime';
import { createEventsPlugin } from './plugin.js';
import { defaultEventsDir } from './state-dir.js';

const onEvent = diagnostics.onInternalDiagnosticEvent;

export default createEventsPlugin({
  subscribe: typeof onEvent === 'function' ? (listener) => onEvent(listener) : undefined,
  defaultDir: defaultEventsDir,
});
