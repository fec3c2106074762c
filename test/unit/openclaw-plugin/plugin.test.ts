import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventsPlugin, MIN_OPENCLAW_RELEASE, PLUGIN_ID } from '../../../openclaw-plugin/plugin.js';
import { withoutPrivateContent } from '../../../openclaw-plugin/redact.js';
import { fallbackStateDir } from '../../../openclaw-plugin/state-dir.js';

type Listener = (event: Record<string, unknown>, metadata?: Record<string, unknown>) => void;
interface Service {
  id: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A stand-in for the gateway: its diagnostic bus and the register() API, as 2026.9.6 calls them. */
function fakeGateway(config: Record<string, unknown>) {
  const listeners = new Set<Listener>();
  const services: Service[] = [];
  const api = { pluginConfig: config, logger: { info: () => {}, warn: () => {} }, registerService: (s: Service) => services.push(s) };
  const subscribe = (listener: Listener): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const emit = (event: Record<string, unknown>, metadata?: Record<string, unknown>): void => {
    for (const l of listeners) l(event, metadata);
  };
  return { api, services, listeners, subscribe, emit };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the otel-tail-events plugin definition', () => {
  it('subscribes once however often register() and start() run, and unsubscribes on stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-plugin-'));
    dirs.push(dir);
    const gw = fakeGateway({ dir });
    const scope: Record<symbol, unknown> = {};
    const plugin = createEventsPlugin({ subscribe: gw.subscribe, defaultDir: () => Promise.resolve('/nonexistent'), scope });
    expect(plugin.id).toBe(PLUGIN_ID);
    plugin.register(gw.api); // mode "full"
    plugin.register(gw.api); // mode "discovery"
    await Promise.all(gw.services.map((s) => s.start()));
    expect(gw.listeners.size).toBe(1);
    gw.emit({ type: 'run.started', ts: 1795290466701, seq: 1 }, { trusted: true });
    gw.emit({ type: 'log.record', ts: 1795290466702, seq: 2, level: 'INFO', message: 'the reply text' }, { trusted: false });
    await gw.services[0]?.stop();
    expect(gw.listeners.size).toBe(0);
    // Named for the local day it was written on (the writer's clock, not the events' times), as OpenClaw's own log.
    const files = readdirSync(dir);
    expect(files).toEqual([expect.stringMatching(/^events-\d{4}-\d\d-\d\d\.jsonl$/)]);
    const written = readFileSync(join(dir, files[0] ?? ''), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(written).toEqual([
      { event: { type: 'run.started', ts: 1795290466701, seq: 1 }, metadata: { trusted: true } },
      { event: { type: 'log.record', ts: 1795290466702, seq: 2, level: 'INFO', messageChars: 14 }, metadata: { trusted: false } },
    ]);
    // Started again after a stop (a rollback restores the previous service): one subscription again.
    await gw.services[1]?.start();
    expect(gw.listeners.size).toBe(1);
    await gw.services[1]?.stop();
  });

  it('a listener that throws inside the writer path never reaches the gateway', async () => {
    const gw = fakeGateway({ stdout: true });
    const scope: Record<symbol, unknown> = {};
    const stdout = { write: (_c: string, cb?: (e?: Error | null) => void) => (cb?.(new Error('EPIPE')), false) };
    const plugin = createEventsPlugin({ subscribe: gw.subscribe, defaultDir: () => Promise.resolve('/x'), stdout, scope });
    plugin.register(gw.api);
    await gw.services[0]?.start();
    const hostile = { type: 'x', ts: 1, get boom(): never { throw new Error('getter'); } };
    expect(() => gw.emit(hostile)).not.toThrow();
    await expect(gw.services[0]?.stop()).resolves.toBeUndefined();
  });

  it('strips private content and keeps everything else', () => {
    const event = { type: 'model.call.completed', ts: 1, usage: { input: 1 } };
    expect(withoutPrivateContent(event)).toBe(event);
    expect(withoutPrivateContent({ ...event, modelContent: { inputMessages: ['secret'] }, toolOutput: 'x' })).toEqual(event);
  });

  it('resolves the state directory as OpenClaw does when its resolver is not there', () => {
    expect(fallbackStateDir({ OPENCLAW_STATE_DIR: '/srv/oc/state', HOME: '/home/u' })).toBe('/srv/oc/state');
    expect(fallbackStateDir({ OPENCLAW_STATE_DIR: '~/oc', HOME: '/home/u' })).toBe('/home/u/oc');
    expect(fallbackStateDir({ OPENCLAW_HOME: '/srv/h', HOME: '/home/u' })).toBe('/srv/h/.openclaw');
    expect(fallbackStateDir({ HOME: '/home/u' })).toBe('/home/u/.openclaw');
  });
});

describe('the plugin package', () => {
  const pluginDir = new URL('../../../openclaw-plugin/', import.meta.url);
  const json = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(name, pluginDir), 'utf8')) as Record<string, unknown>;

  it('has one id: package.json name = manifest id = PLUGIN_ID (the gateway warns "plugin id mismatch" otherwise)', () => {
    expect(json('package.json')['name']).toBe(json('openclaw.plugin.json')['id']);
    expect(json('openclaw.plugin.json')['id']).toBe(PLUGIN_ID);
  });

  it('fails at registration on a release whose bus module lacks onInternalDiagnosticEvent (2026.3.28 to 2026.4.26), naming the minimum release', () => {
    const gw = fakeGateway({});
    const plugin = createEventsPlugin({ subscribe: undefined, defaultDir: () => Promise.resolve('/x'), scope: {} });
    expect(() => plugin.register(gw.api)).toThrow(/^otel-tail-events needs OpenClaw 2026\.4\.27 or later: .*no onInternalDiagnosticEvent/);
    expect(gw.services).toEqual([]);
    expect(MIN_OPENCLAW_RELEASE).toBe('2026.4.27');
  });
});
