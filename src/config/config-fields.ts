import { PRESET_NAMES } from './presets.js';
import { OTLP_FIELDS } from './otlp-fields.js';

/**
 * Every setting otel-tail has, in one table: its YAML key, flag, environment
 * variables, default and doc. The CLI's flags, the config-file validator and
 * `config.example.yaml` (checked by a test) all come from here.
 */
export type FieldKind = 'string' | 'url' | 'count' | 'bytes' | 'duration' | 'map' | 'enum' | 'paths' | 'boolean' | 'strings' | 'listen';

/** The commands a field applies to (flags are offered only there). */
export type CommandName = 'follow' | 'backfill';

export interface ConfigField {
  key: string;
  flag: string;
  kind: FieldKind;
  doc: string;
  /** Default as it would be written in YAML; undefined = unset. */
  default?: string | number | boolean | Record<string, string>;
  /** Standard environment variables, highest precedence first. */
  env?: readonly string[];
  choices?: readonly string[];
  /** Never printed in logs, errors or help (header values). */
  secret?: boolean;
  /** Where the field applies; every command when absent. */
  commands?: readonly CommandName[];
}

export const CONFIG_FIELDS: readonly ConfigField[] = [
  {
    key: 'file',
    flag: '--file <path>',
    kind: 'paths',
    commands: ['follow'],
    doc: 'Follow this directory of OpenClaw rolling logs (openclaw[-profile]-YYYY-MM-DD[.N].log) or this one file; repeatable. Default: /tmp/openclaw/, or $TMPDIR/openclaw-<uid>/ when the logs are there.',
  },
  {
    key: 'events',
    flag: '--events <path>',
    kind: 'paths',
    doc: "Diagnostic-event JSONL written by otel-tail's OpenClaw plugin: a directory of events-YYYY-MM-DD[.N].jsonl files (follow), or files (backfill); repeatable. 'default' is the plugin's directory, <state dir>/logs/diagnostics ($OPENCLAW_STATE_DIR, else ~/.openclaw[-$OPENCLAW_PROFILE]). With the file log of the same gateway, each trace is built from both: the events give the spans (tokens, cost, OpenClaw's ids), the log adds its warnings, retries and decisions as span events.",
  },
  {
    key: 'journal',
    flag: '--journal <name>',
    kind: 'string',
    doc: "Read the gateway's journald stream: entries of the user or system unit NAME.service, or with SYSLOG_IDENTIFIER=NAME (e.g. openclaw-gateway). Follows the live journal unless journalDir or journalFile is set.",
  },
  {
    key: 'journalDir',
    flag: '--journal-dir <dir>',
    kind: 'string',
    doc: 'With journal: read the journal files in this directory (copied from another host, or archived) instead of the live journal.',
  },
  {
    key: 'journalFile',
    flag: '--journal-file <file>',
    kind: 'string',
    doc: 'With journal: read this journal file instead of the live journal.',
  },
  {
    key: 'journalctl',
    flag: '--journalctl <path>',
    kind: 'string',
    default: 'journalctl',
    doc: 'The journalctl executable that reads the journal.',
  },
  {
    key: 'from',
    flag: '--from <where>',
    kind: 'enum',
    choices: ['end', 'beginning'],
    default: 'end',
    commands: ['follow'],
    doc: 'Where the files found at the first start of a source are read from: end (only new lines, like tail -f) or beginning. Files that appear later, and files new at a restart (rotated or rolled while stopped), are always read whole.',
  },
  {
    key: 'stateDir',
    flag: '--state-dir <dir>',
    kind: 'string',
    doc: 'Directory for checkpoints (checkpoints.json) and the backfill ledger (backfill-ledger.json). Default: $XDG_STATE_HOME/otel-tail, else ~/.local/state/otel-tail.',
  },
  ...OTLP_FIELDS,
  {
    key: 'exporter',
    flag: '--exporter <name>',
    kind: 'enum',
    choices: ['otlp', 'console', 'file'],
    doc: 'Where traces go: otlp (protobuf over HTTP), console (a readable tree), file (OTLP JSON lines). Default: otlp when an endpoint is set, console otherwise.',
  },
  {
    key: 'output',
    flag: '--output <path>',
    kind: 'string',
    default: '-',
    doc: "File the 'file' exporter appends to, one ExportTraceServiceRequest per line; '-' is standard output.",
  },
  {
    key: 'serviceName',
    flag: '--service-name <name>',
    kind: 'string',
    env: ['OTEL_SERVICE_NAME'],
    default: 'openclaw-gateway',
    doc: 'service.name of the exported resource.',
  },
  {
    key: 'resourceAttributes',
    flag: '--resource-attributes <k=v,...>',
    kind: 'map',
    env: ['OTEL_RESOURCE_ATTRIBUTES'],
    default: {},
    doc: 'Extra resource attributes (host.name comes from the log itself).',
  },
  {
    key: 'maxLineBytes',
    flag: '--max-line-bytes <n>',
    kind: 'bytes',
    default: 1_048_576,
    doc: 'Longest line accepted; longer lines are skipped (and counted) without being held in memory.',
  },
  {
    key: 'grace',
    flag: '--grace <duration>',
    kind: 'duration',
    default: '750ms',
    doc: 'How long (in log time) a complete trace waits for trailing lines before it is exported. OpenClaw writes the last lines of a turn up to ~600 ms after its root span ends.',
  },
  {
    key: 'idleTimeout',
    flag: '--idle-timeout <duration>',
    kind: 'duration',
    default: '120s',
    doc: 'A trace with no new line for this long (log time) is exported as it is, marked incomplete if a span is still open.',
  },
  {
    key: 'maxOpenTraces',
    flag: '--max-open-traces <n>',
    kind: 'count',
    default: 10_000,
    doc: 'Traces held in memory at once; past it the least recently active is exported early (counted as evicted).',
  },
  {
    key: 'maxBatchSpans',
    flag: '--max-batch-spans <n>',
    kind: 'count',
    default: 512,
    doc: 'Most spans in one export request.',
  },
  {
    key: 'maxRequestBytes',
    flag: '--max-request-bytes <n>',
    kind: 'bytes',
    default: 4_194_304,
    doc: "Largest export request body (protobuf, before compression); bigger batches are split into several requests. The Collector refuses OTLP/gRPC messages over 4 MiB by default, and some backends take less. A single span larger than this is sent alone (--max-content-bytes bounds what makes spans big).",
  },
  {
    key: 'exportTimeout',
    flag: '--export-timeout <duration>',
    kind: 'duration',
    env: ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'],
    default: '10s',
    doc: 'Time allowed for one export request, with its unit (10s); in OTEL_EXPORTER_OTLP_TIMEOUT a bare number is milliseconds, as the OpenTelemetry specification says.',
  },
  {
    key: 'preset',
    flag: '--preset <name>',
    kind: 'enum',
    choices: PRESET_NAMES,
    default: 'otlp',
    doc: "The backend: sets the traces path under endpoint (or the backend's public URL), the headers it needs (from its own environment variables, never argv; see the README's Backends table) and the attributes its UI reads. otlp is any plain OTLP/HTTP collector.",
  },
  {
    key: 'semconv',
    flag: '--semconv <dialect>',
    kind: 'enum',
    choices: ['genai', 'openclaw'],
    default: 'genai',
    doc: "Span names: genai (OpenTelemetry GenAI: 'chat gpt-5.1', 'execute_tool exec', 'invoke_agent ops') or openclaw (as OpenClaw's diagnostics-otel plugin names them: openclaw.model.call, openclaw.tool.execution, openclaw.run, ..., for dashboards built on it).",
  },
  {
    key: 'sessionIds',
    flag: '--session-ids <mode>',
    kind: 'enum',
    choices: ['raw', 'hash', 'omit'],
    default: 'hash',
    doc: 'Session keys and session ids (session keys hold channel user ids and phone numbers): hash (a salted SHA-256 prefix, the same for the same id on every run, so traces still group by session), raw, or omit. Applies wherever they appear, log messages and lane names included.',
  },
  {
    key: 'chatIds',
    flag: '--chat-ids <mode>',
    kind: 'enum',
    choices: ['raw', 'hash', 'omit'],
    default: 'hash',
    doc: 'Chat, message and user ids (a DM chat id is the user): hash, raw or omit, as for sessionIds.',
  },
  {
    key: 'idSalt',
    flag: '--id-salt <secret>',
    kind: 'string',
    secret: true,
    doc: 'Salt of the hashed ids. Prefer OTEL_TAIL_ID_SALT (argv is visible to other users); without either, a random salt is generated once in <state dir>/id-salt (mode 0600) and reused, so hashes stay stable across restarts. Several otel-tail instances must share it to hash alike.',
  },
  {
    key: 'captureContent',
    flag: '--capture-content',
    kind: 'boolean',
    default: false,
    doc: 'Export message content (prompts, outputs, tool arguments and results) when the input carries it; off, such attributes are dropped. A warning says so at start-up.',
  },
  {
    key: 'maxContentBytes',
    flag: '--max-content-bytes <n>',
    kind: 'bytes',
    default: 4096,
    doc: 'With captureContent: each content value is cut to this many bytes (UTF-8), marked as truncated; JSON content stays valid JSON (its long strings are shortened).',
  },
  {
    key: 'logs',
    flag: '--logs',
    kind: 'boolean',
    default: false,
    commands: ['backfill'],
    doc: 'Also send every record of the file logs as an OTLP log record (OTLP/HTTP protobuf, to ENDPOINT/v1/logs), with the trace and span ids of the span it was written in; ids and --redact as for spans. Files only (not standard input or journals) so far.',
  },
  {
    key: 'redact',
    flag: '--redact <regex>',
    kind: 'strings',
    doc: 'Mask every match of this regular expression (JavaScript syntax) in every exported string: span names, attributes, event attributes, status messages, resource attributes (host.name, service.name); repeatable.',
  },
  {
    key: 'metricsListen',
    flag: '--metrics-listen <host:port>',
    kind: 'listen',
    commands: ['follow'],
    doc: 'Serve self-monitoring at http://HOST:PORT/metrics (Prometheus text, otel_tail_*) and /healthz (200 ok, or 503 and why), e.g. 127.0.0.1:9464. Off by default; any address given is used, so keep it on loopback unless the port is firewalled.',
  },
  {
    key: 'unhealthyAfter',
    flag: '--unhealthy-after <duration>',
    kind: 'duration',
    default: '60s',
    commands: ['follow'],
    doc: '/healthz answers 503 once exports have been failing this long, or a source has had lines to read this long without any being read.',
  },
  {
    key: 'genaiMetrics',
    flag: '--genai-metrics <on|off>',
    kind: 'enum',
    choices: ['off', 'on'],
    default: 'off',
    commands: ['follow'],
    doc: 'While following, also send GenAI metrics derived from the spans (gen_ai.client.token.usage, gen_ai.client.operation.duration, gen_ai.client.operation.time_to_first_chunk, gen_ai.invoke_agent.duration, gen_ai.execute_tool.duration, openclaw.cost.usd; tokens and cost by agent) over OTLP/HTTP protobuf. Backfill never sends them: metric points cannot carry historical times.',
  },
  {
    key: 'metricsEndpoint',
    flag: '--metrics-endpoint <url>',
    kind: 'url',
    env: ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'],
    commands: ['follow'],
    doc: 'Full OTLP/HTTP metrics URL, used as is. Default: the traces URL with /v1/traces replaced by /v1/metrics, else <endpoint>/v1/metrics.',
  },
  {
    key: 'metricsInterval',
    flag: '--metrics-interval <duration>',
    kind: 'duration',
    env: ['OTEL_METRIC_EXPORT_INTERVAL'],
    default: '60s',
    commands: ['follow'],
    doc: 'How often GenAI metrics are exported, with its unit (60s; in OTEL_METRIC_EXPORT_INTERVAL a bare number is milliseconds, as the specification says); what is left is exported at shutdown.',
  },
  {
    key: 'logFormat',
    flag: '--log-format <auto|text|json>',
    kind: 'enum',
    choices: ['auto', 'text', 'json'],
    default: 'auto',
    doc: "otel-tail's own messages on standard error: text (otel-tail: message), json (one object per line: time, level, msg and fields), or auto: text on a terminal, else json (a service's journal, a pipe).",
  },
];
