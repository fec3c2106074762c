import { resolve } from 'node:path';
import { EventsWriter } from './events-writer.js';
import { withoutPrivateContent } from './redact.js';

export const PLUGIN_ID = 'otel-tail-events';

/** The first OpenClaw release whose openclaw/plugin-sdk/diagnostic-runtime exports onInternalDiagnosticEvent (checked in the published packages: 2026.4.26 does not). */
export const MIN_OPENCLAW_RELEASE = '2026.4.27';

// register() runs more than once per gateway process (modes "full", then "discovery"), and a
// reload can evaluate this module again: the one subscription and its writer live on globalThis,
// so events are never written twice, and a second start() while one is active does nothing.
const ACTIVE = Symbol.for('otel-tail.openclaw-events.active');

/**
 * The plugin definition, with its two seams injected: `subscribe(listener)` (the gateway's
 * onInternalDiagnosticEvent, returning an unsubscribe function; undefined on a release that has
 * none, where register() fails naming MIN_OPENCLAW_RELEASE) and `defaultDir()` (the state
 * directory's logs/diagnostics).
 * @param {{
 *   subscribe: ((listener: (event: any, metadata?: any) => void) => () => void) | undefined,
 *   defaultDir: () => Promise<string>,
 *   stdout?: { write(chunk: string, cb?: (err?: Error | null) => void): boolean },
 *   scope?: Record<symbol, any>,
 * }} seams
 */
export function createEventsPlugin({ subscribe, defaultDir, stdout = process.stdout, scope = globalThis }) {
  async function start(config, logger) {
    if (scope[ACTIVE] !== undefined) return;
    // Claim the slot before the first await, so two concurrent starts cannot both subscribe.
    const active = { writer: undefined, unsubscribe: undefined };
    scope[ACTIVE] = active;
    try {
      const options = config !== null && typeof config === 'object' ? config : {};
      const toStdout = options.stdout === true;
      const dir = toStdout ? undefined : typeof options.dir === 'string' && options.dir !== '' ? resolve(options.dir) : await defaultDir();
      const warn = (message) => logger?.warn?.(`[${PLUGIN_ID}] ${message}`);
      const writer = new EventsWriter({
        dir,
        stdout: toStdout ? stdout : undefined,
        maxFileBytes: options.maxFileBytes,
        maxFiles: options.maxFiles,
        maxQueue: options.maxQueue,
        warn,
      });
      active.writer = writer;
      active.unsubscribe = subscribe((event, metadata) => {
        // Runs on the gateway's emit path: never throw, never wait.
        try {
          writer.push(withoutPrivateContent(event), metadata);
        } catch {
          // push() catches its own errors; this guards redaction of an exotic object.
        }
      });
      logger?.info?.(`[${PLUGIN_ID}] writing diagnostic events to ${dir ?? 'stdout'}`);
    } catch (error) {
      if (scope[ACTIVE] === active) scope[ACTIVE] = undefined;
      logger?.warn?.(`[${PLUGIN_ID}] not started: ${String(error)}`);
    }
  }

  async function stop() {
    const active = scope[ACTIVE];
    if (active === undefined) return;
    scope[ACTIVE] = undefined;
    try {
      active.unsubscribe?.();
    } catch {
      // The bus is going away with the gateway; nothing to do.
    }
    try {
      await active.writer?.close();
    } catch {
      // close() never rejects; belt and braces for the gateway's shutdown path.
    }
  }

  return {
    id: PLUGIN_ID,
    name: 'otel-tail events',
    description: 'Appends every OpenClaw diagnostic event as one JSON line, for otel-tail.',
    register(api) {
      // The gateway reports a register() that throws, with its message (seen on 2026.4.14), and keeps running.
      if (subscribe === undefined) {
        throw new Error(`${PLUGIN_ID} needs OpenClaw ${MIN_OPENCLAW_RELEASE} or later: this gateway's openclaw/plugin-sdk/diagnostic-runtime has no onInternalDiagnosticEvent. Upgrade the gateway, or read its file log or console with otel-tail instead`);
      }
      try {
        api.registerService({
          id: `${PLUGIN_ID}-writer`,
          start: () => start(api.pluginConfig, api.logger),
          stop,
        });
      } catch (error) {
        api.logger?.warn?.(`[${PLUGIN_ID}] could not register its service: ${String(error)}`);
      }
    },
  };
}
