import { chmod, lstat, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../model/input-errors.js';
import { resolveConfigWithOrigins, type ResolvedWithOrigins } from '../config/resolve-config.js';
import { planService, renderEnvFile, servicePaths, UNIT_NAME, type ServiceScope } from '../service/service-plan.js';
import { commandLine, managerState, runSystemctl } from '../service/systemctl.js';
import { EXIT_FAILED, EXIT_OK, fail } from './exit-codes.js';
import { configFileOf, failConfig } from './load-config.js';
import { ownLog } from './own-log.js';
import { plural } from './plural.js';

/** The options of `service install|uninstall|status` that are not config keys. */
export interface ServiceFlags {
  user?: boolean;
  system?: boolean;
  dryRun?: boolean;
  systemctl?: string;
}

/** bin/otel-tail, from dist/cli/: the entry point the unit runs with this very node. */
const ENTRY = fileURLToPath(new URL('../../bin/otel-tail', import.meta.url));

const say = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

function scopeOf(flags: ServiceFlags): ServiceScope | string {
  if (flags.user === true && flags.system === true) return '--user and --system: choose one.';
  return flags.system === true ? 'system' : 'user';
}

/** `otel-tail service install`: writes the unit and its environment file, then enables it (or says how). */
export async function serviceInstall(flags: Record<string, unknown> & ServiceFlags): Promise<number> {
  const scope = scopeOf(flags);
  if (scope !== 'user' && scope !== 'system') return fail(scope);
  let resolved: ResolvedWithOrigins;
  try {
    // The service must start: refuse a config that would fail there, with the same messages.
    resolved = resolveConfigWithOrigins(flags, process.env, configFileOf(flags, process.env));
  } catch (error) {
    if (error instanceof ConfigError) return failConfig(error);
    throw error;
  }
  const { config } = resolved;
  // Without an endpoint a follower prints its traces; as a service that is a journal full of trees and nothing sent.
  if (config.exporter === 'console' && resolved.origins['exporter']?.from === 'default') {
    return fail(
      'refusing to install a service that sends nowhere: no --endpoint (nor OTEL_EXPORTER_OTLP_ENDPOINT) and no --preset, so it would only print traces to its journal. ' +
        'Add --endpoint http://HOST:4318 (or --preset NAME), or --exporter console to print them on purpose.',
    );
  }
  const plan = planService({ scope, flags, env: process.env, config, node: process.execPath, entry: ENTRY, cwd: process.cwd() });
  const envFile = renderEnvFile(plan.env, false);
  if (envFile.unwritable.length > 0) return fail(`${envFile.unwritable.join(', ')}: a value with a line break cannot go in a systemd environment file.`);
  if (flags.dryRun === true) {
    say(`# ${plan.unitPath}`);
    process.stdout.write(plan.unit);
    say(`\n# ${plan.envPath} (mode 0600; secrets shown as <hidden>)`);
    process.stdout.write(renderEnvFile(plan.env, true).text);
    return EXIT_OK;
  }
  try {
    await mkdir(dirname(plan.unitPath), { recursive: true });
    await mkdir(dirname(plan.envPath), { recursive: true, mode: 0o700 });
    // Created 0600 before anything is written, so the secrets are never readable by others.
    await writeFile(plan.envPath, '', { mode: 0o600 });
    await chmod(plan.envPath, 0o600);
    await writeFile(plan.envPath, envFile.text);
    await writeFile(plan.unitPath, plan.unit, { mode: 0o644 });
    await chmod(plan.unitPath, 0o644);
  } catch (error) {
    const hint = scope === 'system' ? ' (a --system unit needs root: run it with sudo, or install a --user unit)' : '';
    return fail(`cannot write the service files: ${(error as Error).message}${hint}`);
  }
  say(`wrote ${plan.unitPath}`);
  say(`wrote ${plan.envPath} (mode 0600: ${plural(plan.env.filter((e) => e.secret).length, 'secret')}, ${plural(plan.env.length, 'variable')})`);
  return enable(scope, flags.systemctl ?? 'systemctl', [['daemon-reload'], ['enable', '--now', UNIT_NAME]]);
}

/** `otel-tail service uninstall`: stops and disables the unit (when systemd answers) and removes its files. */
export async function serviceUninstall(flags: ServiceFlags): Promise<number> {
  const scope = scopeOf(flags);
  if (scope !== 'user' && scope !== 'system') return fail(scope);
  const paths = servicePaths(scope, process.env);
  const systemctl = flags.systemctl ?? 'systemctl';
  const manager = await managerState(systemctl, scope);
  // Disabled before the unit is removed: systemctl cannot disable a unit whose file is gone.
  let disabled = false;
  if (manager.usable) {
    const answer = await runSystemctl(systemctl, scope, ['disable', '--now', UNIT_NAME]);
    disabled = answer.status === 'ok';
    if (answer.status === 'failed') ownLog('warn', `${commandLine(scope, ['disable', '--now', UNIT_NAME])}: ${answer.stderr.trim() || `exit ${String(answer.code)}`}; disabling it by removing its link instead`);
    else say(`ran ${commandLine(scope, ['disable', '--now', UNIT_NAME])}`);
  } else {
    say(`systemd cannot be reached here (${manager.why}): disabling the service by removing its link, as systemctl disable does`);
  }
  let removed = 0;
  // What `systemctl disable` removes for WantedBy=: the link in the target's .wants directory.
  const wanted = join(dirname(paths.unitPath), `${scope === 'system' ? 'multi-user.target' : 'default.target'}.wants`, basename(paths.unitPath));
  for (const path of [...(disabled ? [] : [wanted]), paths.unitPath, paths.envPath]) {
    if (!(await exists(path))) continue;
    await rm(path);
    say(`removed ${path}`);
    removed++;
  }
  if (removed === 0) say(`nothing to remove: no ${paths.unitPath} nor ${paths.envPath}`);
  if (manager.usable) return enable(scope, systemctl, [['daemon-reload']]);
  say('where systemd runs, stop the service and forget its unit with:');
  for (const args of [['stop', UNIT_NAME], ['daemon-reload']]) say(`  ${commandLine(scope, args)}`);
  return EXIT_OK;
}

/** `otel-tail service status`: systemctl status when systemd answers, else which files are installed. */
export async function serviceStatus(flags: ServiceFlags): Promise<number> {
  const scope = scopeOf(flags);
  if (scope !== 'user' && scope !== 'system') return fail(scope);
  const systemctl = flags.systemctl ?? 'systemctl';
  const manager = await managerState(systemctl, scope);
  if (manager.usable) {
    const answer = await runSystemctl(systemctl, scope, ['status', '--no-pager', UNIT_NAME]);
    process.stdout.write(answer.stdout);
    if (answer.status === 'failed' && answer.stderr !== '') process.stderr.write(answer.stderr);
    return answer.status === 'ok' ? EXIT_OK : EXIT_FAILED;
  }
  const paths = servicePaths(scope, process.env);
  say(`systemd cannot be reached here (${manager.why}); installed files:`);
  const unit = await readFile(paths.unitPath, 'utf8').catch(() => undefined);
  say(`  ${paths.unitPath}: ${unit === undefined ? 'absent' : await describeMode(paths.unitPath)}`);
  say(`  ${paths.envPath}: ${(await exists(paths.envPath)) ? await describeMode(paths.envPath) : 'absent'}`);
  const exec = unit?.split('\n').find((line) => line.startsWith('ExecStart='));
  if (exec !== undefined) say(`  ${exec}`);
  say('otel-tail status shows how far each source is read.');
  return unit === undefined ? EXIT_FAILED : EXIT_OK;
}

/** Runs the systemctl steps when systemd answers; otherwise prints them for the user to run. */
async function enable(scope: ServiceScope, systemctl: string, steps: readonly string[][]): Promise<number> {
  const manager = await managerState(systemctl, scope);
  if (!manager.usable) {
    say(`systemd cannot be reached here (${manager.why}); where it runs, start the service with:`);
    for (const args of steps) say(`  ${commandLine(scope, args)}`);
    // Without lingering a user manager (and the service) stops when the user's last session ends.
    if (scope === 'user') say(`  loginctl enable-linger ${process.env['USER'] ?? '$USER'}    # keep it running without a login session`);
    return EXIT_OK;
  }
  for (const args of steps) {
    const answer = await runSystemctl(systemctl, scope, args);
    if (answer.status === 'failed') {
      ownLog('error', `${commandLine(scope, args)} failed: ${answer.stderr.trim() || `exit ${String(answer.code)}`}`);
      return EXIT_FAILED;
    }
    say(`ran ${commandLine(scope, args)}`);
  }
  return EXIT_OK;
}

/** lstat: a link left dangling is there too. */
async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

async function describeMode(path: string): Promise<string> {
  const info = await stat(path);
  return `present, mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}`;
}
