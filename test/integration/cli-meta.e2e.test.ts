import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLE_LOG } from '../support/fixtures.js';
import { tempDir } from '../support/follow-daemon.js';
import { BIN, collectOutput, runCli } from '../support/run-cli.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

cleanUpAfterEach();

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('otel-tail meta-commands', () => {
  it('--version and -V print the version and exit 0', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag]);
      expect(result, flag).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    }
  });

  it('otel-tail help and otel-tail help <command> print that help and exit 0', async () => {
    const top = await runCli(['help']);
    expect(top.code, top.stderr).toBe(0);
    expect(top.stdout).toMatch(/^Usage: otel-tail \[options\] \[command\]/);
    expect(top.stdout).toMatch(/^\s+backfill \[options\] \[paths\.\.\.\]/m);
    expect(top.stdout).toMatch(/^\s+help \[command\]/m);
    const backfill = await runCli(['help', 'backfill']);
    expect(backfill.code, backfill.stderr).toBe(0);
    expect(backfill.stdout).toMatch(/^Usage: otel-tail backfill \[options\] \[paths\.\.\.\]/);
    expect(backfill.stdout).toBe((await runCli(['backfill', '--help'])).stdout);
    const unknown = await runCli(['help', 'backfil']);
    expect(unknown).toMatchObject({ code: 2, stdout: '', stderr: 'otel-tail: help: no command "backfil" (did you mean otel-tail help backfill?); otel-tail help lists the commands\n' });
  });

  it('a mistyped command gets a did-you-mean, exit 2; a path without --file still says how to follow it', async () => {
    const typo = await runCli(['backfil', SAMPLE_LOG]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe('otel-tail: unknown command "backfil"; did you mean otel-tail backfill? (otel-tail help lists the commands)\n');
    const path = await runCli([SAMPLE_LOG]);
    expect(path.code).toBe(2);
    expect(path.stderr).toContain(`to follow it, pass --file ${SAMPLE_LOG}`);
  });

  it("a mistyped flag of a subcommand points to that subcommand's help", async () => {
    const result = await runCli(['service', 'install', '--endpont', 'http://127.0.0.1:4318']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('(Did you mean --endpoint?)');
    expect(result.stderr).toContain('(run otel-tail service install --help for usage)');
    expect(result.stderr).not.toContain('(run otel-tail --help for usage)');
  });

  it('dead-letter replay offers the flags of sending, not those of reading logs (it sends traces already built)', async () => {
    const help = await runCli(['dead-letter', 'replay', '--help']);
    expect(help.code, help.stderr).toBe(0);
    for (const flag of ['--endpoint', '--preset', '--state-dir', '--redact', '--max-request-bytes']) expect(help.stdout).toContain(`  ${flag} `);
    for (const flag of ['--events', '--journal', '--journal-dir', '--grace', '--idle-timeout', '--max-open-traces', '--max-line-bytes', '--logs']) expect(help.stdout).not.toContain(`  ${flag} `);
    const misused = await runCli(['dead-letter', 'replay', '--grace', '5s']);
    expect(misused.code).toBe(2);
    expect(misused.stderr).toContain("unknown option '--grace'");
  });
});

describe('otel-tail output', () => {
  it('--exporter file to a pipe closed early (| head) stops quietly, as cat does: no EPIPE trace, exit 141', () => {
    // Through a real shell pipe, as a user types it; PIPESTATUS gives otel-tail's own exit status.
    const script = `"${process.execPath}" "${BIN}" backfill --exporter file "${SAMPLE_LOG}" 2>"$ERR" | head -c 100 >/dev/null; echo \${PIPESTATUS[0]}`;
    const err = join(tempDir('epipe'), 'stderr');
    const result = spawnSync('bash', ['-c', script], { env: { ...process.env, ERR: err, OTEL_TAIL_LOG_FORMAT: 'text' }, encoding: 'utf8' });
    expect(result.stdout.trim()).toBe('141');
    const stderr = readFileSync(err, 'utf8');
    expect(stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
  });

  it('a missing --output directory is found at start-up (exit 2), before any input is read', async () => {
    const dir = tempDir('output');
    const output = join(dir, 'no-such-dir', 'traces.jsonl');
    // Standard input that never ends: a run that read its input before checking --output would not stop.
    const child = spawn(process.execPath, [BIN, 'backfill', '--exporter', 'file', '--output', output, '-'], { env: { ...process.env, OTEL_TAIL_LOG_FORMAT: 'text' }, stdio: ['pipe', 'pipe', 'pipe'] });
    const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const result = await collectOutput(child);
    clearTimeout(guard);
    child.stdin.destroy();
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`otel-tail: --output ${output}: there is no directory ${join(dir, 'no-such-dir')}; create it or choose another path.\n`);
    expect(result.stderr).not.toContain('lines read');
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false);
  });
});
