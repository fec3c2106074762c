// OpenClaw plugin entry: plain ESM, no build, no node_modules (the gateway resolves
// openclaw/plugin-sdk/* itself). Leaving includeTrusted unset delivers the trusted events too.
// The bus is imported when the service starts, not here: on a release without
// openclaw/plugin-sdk/diagnostic-runtime a static import would fail before register()
// could say which release is needed.
import { createEventsPlugin } from './plugin.js';
import { defaultEventsDir } from './state-dir.js';

export default createEventsPlugin({
  subscribe: async (listener) => (await import('openclaw/plugin-sdk/diagnostic-runtime')).onInternalDiagnosticEvent(listener),
  defaultDir: defaultEventsDir,
});
