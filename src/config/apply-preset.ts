import { PRESETS, type PresetName } from './presets.js';
import type { ValueOrigin } from './value-origin.js';

export interface PresetContext {
  /** Where each value came from: the URL and headers the preset sets are recorded as its own. */
  origins?: Record<string, ValueOrigin>;
  /** Nothing will be sent (a dry run). */
  sendsNothing?: boolean;
}

/**
 * Expands `preset` into the settings it stands for, before the exporter is
 * chosen: the traces URL (the backend's path under `endpoint`, or its public
 * default) and the headers built from the preset's environment variables.
 * Explicit `tracesEndpoint` and `headers` win. A missing endpoint, or a missing
 * required variable, is a problem naming it (never its value) only when spans
 * are to be sent over OTLP: a dry run, or the console and file exporters, still
 * get the preset's attributes without them.
 */
export function applyPreset(values: Record<string, unknown>, env: NodeJS.ProcessEnv, problems: string[], context: PresetContext = {}): void {
  const name = values['preset'] as PresetName | undefined;
  if (name === undefined || name === 'otlp') return;
  const preset = PRESETS[name];
  const { origins } = context;
  const exporter = values['exporter'];
  const sends = context.sendsNothing !== true && (exporter === undefined || exporter === 'otlp');
  if (values['logs'] === true && sends && !preset.logs.takes) {
    problems.push(`logs: --preset ${name} cannot take --logs: ${preset.logs.why}. ${capitalised(preset.logs.instead)}.`);
  }
  if (values['tracesEndpoint'] === undefined) {
    const base = (values['endpoint'] as string | undefined) ?? preset.defaultEndpoint?.(env);
    if (base === undefined) {
      if (sends) problems.push(`preset: "${name}" needs --endpoint (or OTEL_EXPORTER_OTLP_ENDPOINT): ${preset.endpointHint}.`);
      return;
    }
    values['tracesEndpoint'] = presetTracesUrl(base, preset.tracesPath);
    if (origins !== undefined) origins['tracesEndpoint'] = { from: 'preset', name };
  }
  const resource = preset.resourceFromEnv;
  const fromEnv = resource === undefined ? undefined : env[resource.env];
  if (resource !== undefined && fromEnv !== undefined && fromEnv !== '') {
    const attributes = (values['resourceAttributes'] as Record<string, string> | undefined) ?? {};
    if (attributes[resource.attribute] === undefined) values['resourceAttributes'] = { ...attributes, [resource.attribute]: fromEnv };
  }
  if (exporter !== undefined && exporter !== 'otlp') return;
  const headers: Record<string, string> = { ...preset.fixedHeaders };
  const read: string[] = [];
  for (const spec of preset.headers) {
    const missing = spec.env.filter((variable) => env[variable] === undefined || env[variable] === '');
    if (missing.length === 0) {
      headers[spec.header] = spec.value(spec.env.map((variable) => env[variable] ?? ''));
      read.push(...spec.env);
    }
    else if (spec.optional !== true && sends) {
      problems.push(`preset: "${name}" needs the environment variable${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} (for the ${spec.header} header); set ${missing.length > 1 ? 'them' : 'it'} before starting otel-tail.`);
    }
  }
  values['headers'] = { ...headers, ...(values['headers'] as Record<string, string> | undefined) };
  if (origins !== undefined && Object.keys(headers).length > 0 && origins['headers']?.from === 'default') {
    origins['headers'] = { from: 'preset', name: read.length === 0 ? name : `${name} (${read.join(', ')})` };
  }
}

function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

const SIGNAL_PATH = '/v1/traces';

/**
 * The preset's traces URL under `base`. Vendors document their OTLP base URL with the path before
 * `/v1/traces` in it (Langfuse `…/api/public/otel`, Braintrust `…/otel`, Grafana Cloud `…/otlp`), and
 * that is what OTEL_EXPORTER_OTLP_ENDPOINT is set to by their guides: such a path is not added twice,
 * nor is a whole traces URL given as the endpoint.
 */
export function presetTracesUrl(base: string, tracesPath: string): string {
  const trimmed = base.replace(/\/+$/, '');
  if (trimmed.endsWith(tracesPath)) return trimmed;
  const vendorPath = tracesPath.endsWith(SIGNAL_PATH) ? tracesPath.slice(0, -SIGNAL_PATH.length) : '';
  if (vendorPath !== '' && trimmed.endsWith(vendorPath)) return `${trimmed}${SIGNAL_PATH}`;
  return `${trimmed}${tracesPath}`;
}
