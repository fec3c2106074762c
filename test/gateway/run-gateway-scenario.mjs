// Runs one real OpenClaw gateway turn and keeps what the gateway wrote. The turn is a tool call
// (--turn tool, the default) or one whose upstream answers HTTP 500 to every request, which the
// gateway retries with backoff until it gives up (--turn upstream-500, about 90 s).
// Meant to run inside a network namespace with only loopback (see real-gateway.e2e.test.ts):
//   node24 run-gateway-scenario.mjs --openclaw <dir of openclaw package> --plugin <dir> --out <dir> [--turn …]
// Writes <out>/events/ (the plugin's JSONL), <out>/file-log/ (the gateway's file log),
// <out>/upstream-requests.jsonl, <out>/gateway.stdout.txt, <out>/gateway.stderr.txt and prints one
// JSON summary line on stdout. Exit 0 when the turn completed (tool) or the gateway answered at all
// (upstream-500: its reply is the failure).
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FAIL_MARKER, startFakeOpenAi } from './fake-openai-server.mjs';

const { values } = parseArgs({ options: { openclaw: { type: 'string' }, plugin: { type: 'string' }, out: { type: 'string' }, work: { type: 'string' }, turn: { type: 'string', default: 'tool' } } });
const TURNS = {
  tool: { content: 'Please read NOTES.md and tell me what it says.', ok: (status) => status === 200, timeoutMs: 120_000 },
  // The gateway's own retries (1 + up to 8 attempts) are bounded by its 90 s retry window.
  'upstream-500': { content: `Say hello. ${FAIL_MARKER}`, ok: (status) => status > 0, timeoutMs: 240_000 },
};
const turn = TURNS[values.turn];
if (turn === undefined) throw new Error(`--turn must be one of ${Object.keys(TURNS).join(', ')}, not ${values.turn}`);
const openclawDir = resolve(values.openclaw);
const pluginDir = resolve(values.plugin);
const out = resolve(values.out);
const work = values.work ? resolve(values.work) : mkdtempSync(join(tmpdir(), 'otel-tail-gw-'));
mkdirSync(out, { recursive: true });

const TOKEN = 'otel-tail-e2e-token';
const PLUGIN_ID = 'otel-tail-events';
const t0 = Date.now();
const say = (msg) => process.stderr.write(`[scenario +${Date.now() - t0}ms] ${msg}\n`);

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

// The release under test (other releases are run by hand: OTEL_TAIL_E2E_OPENCLAW=openclaw@<version>).
const release = (JSON.parse(readFileSync(join(openclawDir, 'package.json'), 'utf8')).version ?? '').split('.').map((part) => parseInt(part, 10));
const releaseAtLeast = (year, month) => (release[0] ?? 0) > year || ((release[0] ?? 0) === year && (release[1] ?? 0) >= month);

const day = (() => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
})();
const home = join(work, 'home');
const stateDir = join(work, 'state');
const workspace = join(work, 'workspace');
const logDir = join(work, 'file-log');
for (const d of [home, stateDir, workspace, logDir]) mkdirSync(d, { recursive: true, mode: 0o700 });
writeFileSync(join(workspace, 'NOTES.md'), '# Notes\n\nThe fake model works.\n');

const upstreamPath = join(out, 'upstream-requests.jsonl');
writeFileSync(upstreamPath, '');
const fake = await startFakeOpenAi({ onRequest: (r) => appendFileSync(upstreamPath, `${JSON.stringify(r)}\n`) });
const port = await freePort();
say(`fake model server on 127.0.0.1:${fake.port}, gateway port ${port}`);

const config = {
  gateway: {
    mode: 'local',
    port,
    bind: 'loopback',
    auth: { mode: 'token', token: TOKEN },
    http: { endpoints: { chatCompletions: { enabled: true } } },
  },
  update: { checkOnStart: false },
  discovery: { mdns: { mode: 'off' } },
  logging: { level: 'debug', file: join(logDir, `openclaw-${day}.log`) },
  diagnostics: { enabled: true },
  models: {
    mode: 'replace',
    // Older releases refuse keys they do not know ("Config invalid"): this one is only given to 2026.9+.
    ...(releaseAtLeast(2026, 9) ? { catalogRefresh: { enabled: false } } : {}),
    providers: {
      fakeoai: {
        baseUrl: `http://127.0.0.1:${fake.port}/v1`,
        apiKey: 'fake-key',
        api: 'openai-completions',
        models: [{ id: 'fake-model', name: 'Fake model', reasoning: false, input: ['text'], cost: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 }, contextWindow: 128000, maxTokens: 4096 }],
      },
    },
  },
  agents: { defaults: { model: { primary: 'fakeoai/fake-model' }, workspace } },
  plugins: {
    load: { paths: [pluginDir] },
    entries: { [PLUGIN_ID]: { enabled: true, config: {} } },
  },
};
writeFileSync(join(stateDir, 'openclaw.json'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });

const env = {
  PATH: process.env.PATH,
  HOME: home,
  OPENCLAW_STATE_DIR: stateDir,
  OPENCLAW_CONFIG_PATH: join(stateDir, 'openclaw.json'),
  OPENCLAW_NO_AUTO_UPDATE: '1',
  OPENCLAW_DISABLE_BONJOUR: '1',
  DO_NOT_TRACK: '1',
  TMPDIR: join(work, 'tmp'),
  TZ: process.env.TZ ?? 'UTC',
};
mkdirSync(env.TMPDIR, { recursive: true, mode: 0o700 });
const stdout = createWriteStream(join(out, 'gateway.stdout.txt'));
const stderr = createWriteStream(join(out, 'gateway.stderr.txt'));
const gateway = spawn(process.execPath, [join(openclawDir, 'openclaw.mjs'), 'gateway', 'run', '--port', String(port)], { env, cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
gateway.stdout.pipe(stdout);
gateway.stderr.pipe(stderr);
let exited;
const exitedPromise = new Promise((res) => gateway.on('exit', (code, signal) => { exited = { code, signal }; res(exited); }));

const base = `http://127.0.0.1:${port}`;
const auth = { authorization: `Bearer ${TOKEN}` };
async function waitReady(deadlineMs) {
  while (Date.now() < deadlineMs) {
    if (exited) throw new Error(`gateway exited before it was ready: ${JSON.stringify(exited)}`);
    try {
      const r = await fetch(`${base}/v1/models`, { headers: auth });
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('gateway not ready within the deadline');
}

const summary = { work, port, fakePort: fake.port, ok: false };
try {
  await waitReady(Date.now() + 120_000);
  summary.readyMs = Date.now() - t0;
  say('gateway ready; sending the message');
  const sentAt = Date.now();
  const r = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openclaw', user: 'e2e', messages: [{ role: 'user', content: turn.content }] }),
    // A loaded machine (older releases start their plugins lazily, on the first turn) may need longer.
    signal: AbortSignal.timeout(Number(process.env.OTEL_TAIL_E2E_TURN_MS ?? turn.timeoutMs)),
  });
  const text = await r.text();
  summary.status = r.status;
  summary.turnMs = Date.now() - sentAt;
  try {
    summary.reply = JSON.parse(text).choices?.[0]?.message?.content;
  } catch {
    summary.reply = text.slice(0, 500);
  }
  say(`reply ${r.status} after ${summary.turnMs} ms`);
  // The model-call/tool/harness events are queued and the file log is batched: let both land.
  await new Promise((res) => setTimeout(res, 1500));
  summary.ok = turn.ok(r.status);
} catch (error) {
  summary.error = String(error);
} finally {
  if (!exited) {
    gateway.kill('SIGTERM');
    const killer = setTimeout(() => gateway.kill('SIGKILL'), 20_000);
    await exitedPromise;
    clearTimeout(killer);
  }
  summary.gatewayExit = exited;
  fake.server.close();
  const eventsDir = join(stateDir, 'logs', 'diagnostics');
  if (existsSync(eventsDir)) cpSync(eventsDir, join(out, 'events'), { recursive: true });
  cpSync(logDir, join(out, 'file-log'), { recursive: true });
  summary.events = existsSync(eventsDir) ? readdirSync(eventsDir) : [];
  summary.fileLog = readdirSync(logDir);
  // The gateway's state (sqlite, sessions) is large and of no use after the copy; --work keeps it.
  if (!values.work) rmSync(work, { recursive: true, force: true });
  summary.totalMs = Date.now() - t0;
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exitCode = summary.ok ? 0 : 1;
}
