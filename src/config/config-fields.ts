/**
 * Every setting otel-tail has, in one table: its YAML key, flag, environment
 * variables, default and doc. The CLI's flags, the config-file validator and
 * `config.example.yaml` (checked by a test) all come from here.
 */
export type FieldKind = 'string' | 'url' | 'count' | 'bytes' | 'duration' | 'map' | 'enum' | 'paths';

/** The commands a field applies to (flags are offered only there). */
export type CommandName = 'follow' | 'backfill';

export interface ConfigField {
  key: string;
  flag: string;
  kind: FieldKind;
  doc: string;
  /** Default as it would be written in YAML; undefined = unset. */
  default?: string | number | Record<string, string>;
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
    doc: 'Where a file that has no checkpoint and exists at start-up is read from: end (only new lines, like tail -f) or beginning. Files that appear later are always read whole.',
  },
  {
    key: 'stateDir',
    flag: '--state-dir <dir>',
    kind: 'string',
    doc: 'Directory for checkpoints (checkpoints.json) and the backfill ledger (backfill-ledger.json). Default: $XDG_STATE_HOME/otel-tail, else ~/.local/state/otel-tail.',
  },
  {
    key: 'endpoint',
    flag: '--endpoint <url>',
    kind: 'url',
    env: ['OTEL_EXPORTER_OTLP_ENDPOINT'],
    doc: 'OTLP/HTTP base URL of the collector or backend; traces go to <url>/v1/traces.',
  },
  {
    key: 'tracesEndpoint',
    flag: '--traces-endpoint <url>',
    kind: 'url',
    env: ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
    doc: 'Full OTLP/HTTP traces URL, used as is (overrides endpoint).',
  },
  {
    key: 'headers',
    flag: '--headers <k=v,...>',
    kind: 'map',
    env: ['OTEL_EXPORTER_OTLP_HEADERS'],
    secret: true,
    default: {},
    doc: 'HTTP headers sent with every export (e.g. authorization). Prefer the environment variable: argv is visible to other users.',
  },
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
    key: 'exportTimeout',
    flag: '--export-timeout <duration>',
    kind: 'duration',
    default: '10s',
    doc: 'Time allowed for one export request.',
  },
];
