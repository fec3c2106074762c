/** What the table of settings (config-fields.ts, otlp-fields.ts) says about one setting. */
export type FieldKind = 'string' | 'url' | 'count' | 'bytes' | 'duration' | 'map' | 'enum' | 'paths' | 'boolean' | 'strings' | 'listen';

/** The commands a field applies to (flags are offered only there). */
export type CommandName = 'follow' | 'backfill' | 'replay';

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
