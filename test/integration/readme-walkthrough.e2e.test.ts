import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SAMPLE_LOG } from '../support/fixtures.js';
import { tempDir } from '../support/follow-daemon.js';
import { BIN, collectOutput, type CliResult } from '../support/run-cli.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * The README's commands, as written, in a fresh HOME: a newcomer's first steps. Each command is
 * taken from the README itself (so the two cannot drift apart); only the paths and URLs that
 * point at a real gateway's machine are replaced by the fixture and a receiver on 127.0.0.1, and
 * `otel-tail` is this checkout's bin/otel-tail. What each prints must contain what the README
 * says it prints.
 */

const startReceiver = cleanUpAfterEach();

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The README line (inside a code block) that starts with `prefix`, without its trailing comment. */
function readmeCommand(prefix: string): string {
  const line = README.split('\n').find((text) => text.startsWith(prefix));
  expect(line, `the README has a command starting with ${prefix}`).toBeDefined();
  return (line as string).replace(/\s+#.*$/, '').trim();
}

/** Text as a reader sees it: backticks gone, runs of white space (line breaks) as one space. */
function prose(text: string): string {
  return text.replace(/`/g, '').replace(/\s+/g, ' ');
}

interface Shell {
  home: string;
  run(command: string, replacements?: Readonly<Record<string, string>>): Promise<CliResult>;
}

/** A fresh HOME, and a PATH whose `otel-tail` is this checkout's; commands run through bash from the checkout's root. */
function freshShell(): Shell {
  const home = tempDir('readme-home');
  const bin = join(home, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'otel-tail'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'otel-tail'), 0o755);
  const env: Record<string, string> = { HOME: home, PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, LANG: 'C.UTF-8' };
  return {
    home,
    run: (command, replacements = {}) => {
      let text = command;
      for (const [from, to] of Object.entries(replacements)) text = text.split(from).join(to);
      return collectOutput(spawn('bash', ['-c', text], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
    },
  };
}

describe('the README, walked through in a fresh HOME', () => {
  it('the first command prints the sample as trees, says nothing is sent, and sums up with "printed"', async () => {
    const first = README.split('```sh\n')[1]?.split('\n')[0] ?? '';
    expect(first).toBe('npm ci && ./bin/otel-tail backfill test/fixtures/openclaw-2026.9.6/file-log.jsonl');
    // npm ci is what built this checkout; the rest runs as written.
    const result = await freshShell().run(first.replace(/^npm ci && /, ''));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('no endpoint: printing traces here; nothing is sent');
    expect(result.stderr).toMatch(/67 spans printed \(nothing sent\), 0 failed/);
    expect(prose(README)).toContain('the summary ends 67 spans printed (nothing sent), 0 failed');
    // Each trace's first line: its id and start time (UTC) and host; span lines with the labels the README names.
    expect(result.stdout).toMatch(/^trace [0-9a-f]{32} {2}2026-11-21T\d\d:\d\d:\d\d\.\d{3}Z {2}host=vm {2}\d+ spans/m);
    expect(result.stdout).toMatch(/└─ chat fake-claude +\d+ms {2}[·█]+ {2}HTTP 200/);
    expect(result.stdout).toMatch(/model=fake-claude/);
    expect(result.stdout).toMatch(/call=toolu_fake1/);
  });

  it('backfill to a collector prints the summary line the README shows; status then shows the ledger', async () => {
    const receiver = await startReceiver();
    const shell = freshShell();
    const command = readmeCommand('otel-tail backfill --endpoint http://127.0.0.1:4318 /tmp/openclaw/');
    const result = await shell.run(command, { 'http://127.0.0.1:4318': receiver.url, '/tmp/openclaw/openclaw-2026-11-21.log': SAMPLE_LOG });
    expect(result.code, result.stderr).toBe(0);
    const shown = README.split('\n').find((line) => line.startsWith('otel-tail backfill: ')) as string;
    expect(result.stderr).toContain(`${shown}\n`);
    expect(receiver.spans).toHaveLength(67);

    // The state dir the README names for a service; this run used the default one of its HOME.
    const status = await shell.run(readmeCommand('otel-tail status --state-dir'), { '/var/lib/otel-tail': join(shell.home, '.local', 'state', 'otel-tail') });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`  to ${receiver.url}/v1/traces: 1 file, `);
  });

  it('validate prints each value and where it came from; a problem exits 2', async () => {
    const shell = freshShell();
    const config = join(shell.home, 'otel-tail.yaml');
    writeFileSync(config, 'journal: openclaw-gateway\ngrace: 2s\n');
    const command = readmeCommand('otel-tail validate --config');
    const result = await shell.run(command, { '/etc/otel-tail.yaml': config });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^ {2}key +value +from$/m);
    expect(result.stdout).toMatch(new RegExp(`^ {2}grace +2s +file ${config}$`, 'm'));
    writeFileSync(config, 'grace: 2\n');
    const bad = await shell.run(command, { '/etc/otel-tail.yaml': config });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('grace');
  });

  it('service install (with the --dry-run the README offers) prints the plan the README describes, under ~/.config', async () => {
    const shell = freshShell();
    const command = readmeCommand('otel-tail service install --journal openclaw-gateway --endpoint');
    const result = await shell.run(`${command} --dry-run`);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`# ${join(shell.home, '.config', 'systemd', 'user', 'otel-tail.service')}`);
    expect(result.stdout).toMatch(/^ExecStart=.* --journal openclaw-gateway --endpoint http:\/\/127\.0\.0\.1:4318$/m);
    expect(result.stdout).toMatch(/^Restart=on-failure$/m);
    expect(result.stdout).toMatch(/^After=openclaw-gateway\.service$/m);
    expect(result.stdout).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
    expect(README).toContain('Restart=on-failure');
    // Without an endpoint it would send nowhere: refused, as the README says.
    const refused = await shell.run('otel-tail service install --journal openclaw-gateway --dry-run');
    expect(refused.code).toBe(2);
    expect(prose(README)).toContain('service install refuses (exit 2) a unit that would send nowhere');
  });

  it('--help and the README say the same about SIGHUP, and help/--version work', async () => {
    const shell = freshShell();
    const help = await shell.run('otel-tail --help');
    expect(help.code).toBe(0);
    const sighup = 'environment variables are those the process started with, so a changed EnvironmentFile= needs a restart';
    expect(prose(help.stdout)).toContain(sighup);
    expect(prose(README)).toContain(sighup);
    expect((await shell.run('otel-tail help backfill')).stdout).toMatch(/^Usage: otel-tail backfill/);
    expect((await shell.run('otel-tail --version')).code).toBe(0);
  });
});
