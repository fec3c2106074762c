import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { planService, renderEnvFile, servicePaths, type PlanInput } from '../../../src/service/service-plan.js';

function plan(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = {}, scope: PlanInput['scope'] = 'user'): ReturnType<typeof planService> {
  const config = resolveConfig(flags, env);
  return planService({ scope, flags, env: { HOME: '/home/claw', ...env }, config, node: '/usr/bin/node', entry: '/opt/otel-tail/bin/otel-tail', cwd: '/srv/work' });
}

describe('planService', () => {
  it('runs this node and entry point with the options given, after the gateway it follows', () => {
    const { unit, argv } = plan({ journal: 'openclaw-gateway', endpoint: 'http://127.0.0.1:4318' });
    expect(argv).toEqual(['/usr/bin/node', '/opt/otel-tail/bin/otel-tail', '--journal', 'openclaw-gateway', '--endpoint', 'http://127.0.0.1:4318']);
    expect(unit).toContain('\nExecStart=/usr/bin/node /opt/otel-tail/bin/otel-tail --journal openclaw-gateway --endpoint http://127.0.0.1:4318\n');
    expect(unit).toContain('\nAfter=openclaw-gateway.service\n');
    expect(unit).toContain('\nRestart=on-failure\n');
    expect(unit).toContain('\nWantedBy=default.target\n');
    expect(unit).toContain('\nEnvironmentFile=-/home/claw/.config/otel-tail/otel-tail.env\n');
    // `systemctl --user reload otel-tail` sends SIGHUP, which re-reads the config file.
    expect(unit).toContain('\nExecReload=/bin/kill -HUP $MAINPID\n');
  });

  it('orders after NAME.service also when the journal is named with its suffix, and not at all without a journal', () => {
    expect(plan({ journal: 'openclaw-gateway.service' }).unit).toContain('\nAfter=openclaw-gateway.service\n');
    expect(plan({ file: ['/tmp/openclaw/'] }).unit).not.toContain('After=');
  });

  it('keeps header values out of the unit: they go in the environment file, masked when shown', () => {
    const result = plan({ endpoint: 'https://otlp.example.com', headers: 'authorization=Bearer%20s3cret' }, { OTEL_EXPORTER_OTLP_HEADERS: 'x-team=other-s3cret', OTEL_SERVICE_NAME: 'gw-a' });
    expect(result.unit).not.toContain('s3cret');
    expect(result.argv.join(' ')).not.toContain('--headers');
    expect(result.env).toEqual([
      { name: 'OTEL_TAIL_HEADERS', value: 'authorization=Bearer%20s3cret', secret: true },
      { name: 'OTEL_EXPORTER_OTLP_HEADERS', value: 'x-team=other-s3cret', secret: true },
      { name: 'OTEL_SERVICE_NAME', value: 'gw-a', secret: false },
    ]);
    expect(renderEnvFile(result.env, false).text).toContain("OTEL_TAIL_HEADERS='authorization=Bearer%20s3cret'");
    const masked = renderEnvFile(result.env, true).text;
    expect(masked).not.toContain('s3cret');
    expect(masked).toContain("OTEL_EXPORTER_OTLP_HEADERS='<hidden>'");
    expect(masked).toContain("OTEL_SERVICE_NAME='gw-a'");
  });

  it('passes a boolean flag without a value, and any other field as flag and value', () => {
    const { argv } = plan({ journal: 'gw', captureContent: true, maxOpenTraces: '500' });
    expect(argv.slice(2)).toEqual(['--journal', 'gw', '--max-open-traces', '500', '--capture-content']);
  });

  it('makes relative paths absolute (the service does not run where install ran)', () => {
    const { argv } = plan({ file: ['logs/', '/var/log/openclaw.log'], stateDir: 'state', config: 'otel-tail.yaml', output: '-' });
    expect(argv.slice(2)).toEqual(['--config', '/srv/work/otel-tail.yaml', '--file', '/srv/work/logs/', '--file', '/var/log/openclaw.log', '--state-dir', '/srv/work/state', '--output', '-']);
  });

  it('a system unit: multi-user.target, after the network, checkpoints in /var/lib/otel-tail unless configured', () => {
    const result = plan({ journal: 'openclaw-gateway' }, {}, 'system');
    expect(result.unitPath).toBe('/etc/systemd/system/otel-tail.service');
    expect(result.envPath).toBe('/etc/otel-tail/otel-tail.env');
    expect(result.unit).toContain('\nWantedBy=multi-user.target\n');
    expect(result.unit).toContain('\nAfter=network-online.target openclaw-gateway.service\n');
    expect(result.unit).toContain('\nStateDirectory=otel-tail\n');
    expect(result.argv.slice(-2)).toEqual(['--state-dir', '/var/lib/otel-tail']);
    expect(plan({ journal: 'g', stateDir: '/srv/state' }, {}, 'system').unit).not.toContain('StateDirectory=');
  });

  it('puts a user unit under $XDG_CONFIG_HOME, else ~/.config', () => {
    expect(servicePaths('user', { XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/claw' }).unitPath).toBe('/x/cfg/systemd/user/otel-tail.service');
    expect(servicePaths('user', { HOME: '/home/claw' })).toEqual({ unitPath: '/home/claw/.config/systemd/user/otel-tail.service', envPath: '/home/claw/.config/otel-tail/otel-tail.env' });
  });
});
