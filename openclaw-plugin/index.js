// OpenClaw plugin entry: plain ESM, no build, no node_modules (the gateway resolves
// openclaw/plugin-sdk/* itself). Leaving includeTrusted unset delivers the trusted events too.
import { onInternalDiagnosticEvent } from 'openclaw/plugin-sdk/diagnostic-runtime';
import { createEventsPlugin } from './plugin.js';
import { defaultEventsDir } from './state-dir.js';

export default createEventsPlugin({
  subscribe: (listener) => onInternalDiagnosticEvent(listener),
  defaultDir: defaultEventsDir,
});
