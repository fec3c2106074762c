import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/run-cli.js';

const SYSTEMD_ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((path) => existsSync(path));

function configHome(): string {
  return mkdtempSync(join(tmpdir(), 'otel-tail-service-'));
}

/** A systemctl that answers like a running user manager and records every call. */
function fakeSystemctl(dir: string): { path: string; calls: () => string[] } {
  const path = join(dir, 'systemctl');
  const log = join(dir, 'systemctl.log');
  writeFileSync(path, `#!/bin/sh\necho "$*" >> '${log}'\ncase "$*" in *is-system-running*) echo running ;; esac\nexit 0\n`);
  chmodSync(path, 0o755);
  return { path, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}

describe('otel-tail service install', () => {
  it('--dry-run prints a unit that runs this otel-tail on the journal, restarts on failure, starts after the gateway', async () => {
    const result = await runCli(['service', 'install', '--dry-run', '--journal', 'openclaw-gateway', '--endpoint', 'http://127.0.0.1:4318'], { XDG_CONFIG_HOME: configHome() });
    expect(result.code).toBe(0);
    const exec = /^ExecStart=(.*)$/m.exec(result.stdout)?.[1];
    expect(exec).toBe(`${process.execPath} ${BIN} --journal openclaw-gateway --endpoint http://127.0.0.1:4318`);
    expect(result.stdout).toMatch(/^Restart=on-failure$/m);
    expect(result.stdout).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
    expect(result.stdout).toMatch(/^WantedBy=default\.target$/m);
    expect(result.stdout).toMatch(/^After=openclaw-gateway\.service$/m);
  });

  it('--dry-run shows the environment file with secrets hidden, and writes nothing', async () => {
    const home = configHome();
    const result = await runCli(['service', 'install', '--dry-run', '--endpoint', 'https://otlp.example.com', '--headers', 'authorization=Bearer%20flag-s3cret'], {
      XDG_CONFIG_HOME: home,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=env-s3cret',
    });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('s3cret');
    expect(result.stdout).toContain("OTEL_TAIL_HEADERS='<hidden>'");
    expect(result.stdout).toContain("OTEL_EXPORTER_OTLP_HEADERS='<hidden>'");
    expect(existsSync(join(home, 'systemd'))).toBe(false);
  });

  it('writes the unit (0644) and the environment file (0600) under XDG_CONFIG_HOME, and prints the systemctl commands when systemd cannot be reached', async () => {
    const home = configHome();
    const missing = join(home, 'no-systemctl-here');
    const result = await runCli(['service', 'install', '--journal', 'openclaw-gateway', '--endpoint', 'http://127.0.0.1:4318', '--systemctl', missing], {
      XDG_CONFIG_HOME: home,
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20s3cret',
    });
    expect(result.code).toBe(0);
    const unitPath = join(home, 'systemd', 'user', 'otel-tail.service');
    const envPath = join(home, 'otel-tail', 'otel-tail.env');
    expect(statSync(unitPath).mode & 0o777).toBe(0o644);
    expect(statSync(envPath).mode & 0o777).toBe(0o600);
    const unit = readFileSync(unitPath, 'utf8');
    expect(unit).toContain(`ExecStart=${process.execPath} ${BIN} --journal openclaw-gateway --endpoint http://127.0.0.1:4318\n`);
    expect(unit).toContain(`EnvironmentFile=-${envPath}\n`);
    expect(unit).not.toContain('s3cret');
    expect(readFileSync(envPath, 'utf8')).toContain("OTEL_EXPORTER_OTLP_HEADERS='authorization=Bearer%20s3cret'");
    expect(result.stdout).toContain('systemctl --user daemon-reload');
    expect(result.stdout).toContain('systemctl --user enable --now otel-tail.service');
    expect(result.stdout + result.stderr).not.toContain('s3cret');
  });

  it('runs daemon-reload and enable --now when systemd answers; uninstall disables and removes', async () => {
    const home = configHome();
    const systemctl = fakeSystemctl(home);
    const install = await runCli(['service', 'install', '--file', '/tmp/openclaw/', '--endpoint', 'http://127.0.0.1:4318', '--systemctl', systemctl.path], { XDG_CONFIG_HOME: home });
    expect(install.code).toBe(0);
    expect(systemctl.calls()).toEqual(['--user is-system-running', '--user daemon-reload', '--user enable --now otel-tail.service']);
    const status = await runCli(['service', 'status', '--systemctl', systemctl.path], { XDG_CONFIG_HOME: home });
    expect(status.code).toBe(0);
    expect(systemctl.calls().at(-1)).toBe('--user status --no-pager otel-tail.service');
    const uninstall = await runCli(['service', 'uninstall', '--systemctl', systemctl.path], { XDG_CONFIG_HOME: home });
    expect(uninstall.code).toBe(0);
    expect(systemctl.calls()).toContain('--user disable --now otel-tail.service');
    expect(uninstall.stdout.indexOf('ran systemctl --user disable --now otel-tail.service'), uninstall.stdout).toBeLessThan(uninstall.stdout.indexOf('removed '));
    expect(systemctl.calls().at(-1)).toBe('--user daemon-reload');
    expect(existsSync(join(home, 'systemd', 'user', 'otel-tail.service'))).toBe(false);
    expect(existsSync(join(home, 'otel-tail', 'otel-tail.env'))).toBe(false);
  });

  it('refuses an invalid config before writing anything, naming the key', async () => {
    const home = configHome();
    const result = await runCli(['service', 'install', '--max-line-bytes', 'huge'], { XDG_CONFIG_HOME: home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--max-line-bytes: invalid value "huge"');
    expect(existsSync(join(home, 'systemd'))).toBe(false);
  });

  it('refuses (exit 2) a unit that would send nowhere, saying what to add; --exporter console installs it on purpose', async () => {
    const home = configHome();
    const missing = join(home, 'no-systemctl-here');
    for (const extra of [[], ['--dry-run']]) {
      const refused = await runCli(['service', 'install', '--journal', 'openclaw-gateway', ...extra, '--systemctl', missing], { XDG_CONFIG_HOME: home, OTEL_TAIL_LOG_FORMAT: 'json' });
      expect(refused.code, refused.stderr).toBe(2);
      const line = JSON.parse(refused.stderr.trim().split('\n')[0] as string) as Record<string, unknown>;
      expect(line['level']).toBe('error');
      expect(line['msg']).toMatch(/sends nowhere: no --endpoint .* Add --endpoint http:\/\/HOST:4318 \(or --preset NAME\), or --exporter console/);
      expect(refused.stdout).toBe('');
      expect(existsSync(join(home, 'systemd'))).toBe(false);
    }
    // An endpoint from the environment is one too.
    const fromEnv = await runCli(['service', 'install', '--dry-run', '--journal', 'openclaw-gateway'], { XDG_CONFIG_HOME: home, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    const console = await runCli(['service', 'install', '--journal', 'openclaw-gateway', '--exporter', 'console', '--systemctl', missing], { XDG_CONFIG_HOME: home });
    expect(console.code, console.stderr).toBe(0);
    expect(readFileSync(join(home, 'systemd', 'user', 'otel-tail.service'), 'utf8')).toContain('--exporter console');
  });

  it('uninstall without systemd disables the unit (its default.target.wants link) before removing it, then says how to stop it', async () => {
    const home = configHome();
    const missing = join(home, 'no-systemctl-here');
    await runCli(['service', 'install', '--journal', 'openclaw-gateway', '--endpoint', 'http://127.0.0.1:4318', '--systemctl', missing], { XDG_CONFIG_HOME: home });
    const unitPath = join(home, 'systemd', 'user', 'otel-tail.service');
    const wants = join(home, 'systemd', 'user', 'default.target.wants');
    // What `systemctl --user enable` leaves where systemd ran.
    mkdirSync(wants);
    symlinkSync(unitPath, join(wants, 'otel-tail.service'));
    const result = await runCli(['service', 'uninstall', '--systemctl', missing], { XDG_CONFIG_HOME: home });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^systemd cannot be reached here .*: disabling the service by removing its link/);
    expect(lines[1]).toBe(`removed ${join(wants, 'otel-tail.service')}`);
    expect(lines[2]).toBe(`removed ${unitPath}`);
    expect(result.stdout).toContain('  systemctl --user stop otel-tail.service\n  systemctl --user daemon-reload');
    expect(existsSync(join(wants, 'otel-tail.service'))).toBe(false);
    expect(existsSync(unitPath)).toBe(false);
  });

  it('service status without systemd lists the installed files', async () => {
    const home = configHome();
    const missing = join(home, 'no-systemctl-here');
    await runCli(['service', 'install', '--journal', 'openclaw-gateway', '--exporter', 'console', '--systemctl', missing], { XDG_CONFIG_HOME: home });
    const status = await runCli(['service', 'status', '--systemctl', missing], { XDG_CONFIG_HOME: home });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`${join(home, 'systemd', 'user', 'otel-tail.service')}: present, mode 0644`);
    expect(status.stdout).toContain(`${join(home, 'otel-tail', 'otel-tail.env')}: present, mode 0600`);
    expect(status.stdout).toContain('ExecStart=');
  });

  it.skipIf(SYSTEMD_ANALYZE === undefined)('writes a unit that systemd-analyze verify accepts without a warning, even with awkward values', async () => {
    const home = configHome();
    const result = await runCli(
      ['service', 'install', '--journal', 'openclaw-gateway', '--endpoint', 'http://127.0.0.1:4318', '--service-name', `it's a\\b "$HOME" 100% ;`, '--file', join(home, 'my logs') + '/', '--systemctl', join(home, 'none')],
      { XDG_CONFIG_HOME: home },
    );
    expect(result.code).toBe(0);
    const unitPath = join(home, 'systemd', 'user', 'otel-tail.service');
    // System mode: the user mode needs a running user manager; the parsing is the same.
    const verify = spawnSync(SYSTEMD_ANALYZE as string, ['verify', unitPath], { encoding: 'utf8' });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
  });
});
