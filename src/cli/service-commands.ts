import type { Command } from 'commander';
import { addConfigOptions } from './config-options.js';

const SERVICE_HELP = `
install writes a systemd unit that runs this otel-tail (this node, this bin/otel-tail) with the
source and exporter options you give it, restarted on failure; secrets (--headers,
OTEL_EXPORTER_OTLP_HEADERS) go in an environment file of mode 0600, never in the unit. Variables
otel-tail reads (OTEL_TAIL_*, OTEL_EXPORTER_OTLP_*, ...) set where you run install are carried
into that file, since a service does not inherit your shell. Then it runs systemctl daemon-reload
and enable --now when systemd answers; otherwise it prints those commands.

  --user (default)  ~/.config/systemd/user/otel-tail.service ($XDG_CONFIG_HOME), WantedBy=default.target,
                    env file ~/.config/otel-tail/otel-tail.env
  --system          /etc/systemd/system/otel-tail.service, WantedBy=multi-user.target,
                    env file /etc/otel-tail/otel-tail.env, checkpoints in /var/lib/otel-tail

Examples:
  otel-tail service install --journal openclaw-gateway --endpoint http://127.0.0.1:4318
      follow the gateway's journald stream; the unit starts after openclaw-gateway.service
  OTEL_EXPORTER_OTLP_HEADERS='authorization=Bearer%20TOKEN' otel-tail service install --endpoint https://otlp.example.com
      the header goes in the 0600 environment file
  otel-tail service install --dry-run --journal openclaw-gateway --endpoint http://127.0.0.1:4318
      print the unit and the environment file (secrets hidden), write nothing

A unit without --endpoint (or OTEL_EXPORTER_OTLP_ENDPOINT) or --preset would send nothing: install
refuses it (exit 2) unless --exporter console is given. uninstall disables the unit before removing
it (systemctl disable, or without systemd by removing its .wants link).
  otel-tail service status
  otel-tail service uninstall`;

function scopeOptions(command: Command): Command {
  return command
    .option('--user', "a user unit, run by the user's systemd manager (the default)")
    .option('--system', 'a system unit (needs root)')
    .option('--systemctl <path>', 'the systemctl executable', 'systemctl');
}

/** `otel-tail service install|uninstall|status`. */
export function addServiceCommands(program: Command, done: (exitCode: number) => void): void {
  const service = program.command('service').description('Run otel-tail as a systemd service: install, uninstall, status.').addHelpText('after', SERVICE_HELP);
  const install = scopeOptions(service.command('install').description('Write the systemd unit and its environment file, then enable and start it.'))
    .option('--dry-run', 'print the unit and the environment file (secrets hidden) instead of writing them')
    .addHelpText('after', SERVICE_HELP)
    .action(async (flags: Record<string, unknown>) => done(await (await import('./service-command.js')).serviceInstall(flags)));
  addConfigOptions(install, 'follow');
  scopeOptions(service.command('uninstall').description('Stop and disable the service (when systemd answers) and remove its unit and environment file.')).action(async (flags: Record<string, unknown>) =>
    done(await (await import('./service-command.js')).serviceUninstall(flags)),
  );
  scopeOptions(service.command('status').description('systemctl status of the service, or (without systemd) which of its files are installed.')).action(async (flags: Record<string, unknown>) =>
    done(await (await import('./service-command.js')).serviceStatus(flags)),
  );
}
