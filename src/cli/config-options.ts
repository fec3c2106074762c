import { Option, type Command } from 'commander';
import type { CommandName } from '../config/config-field.js';
import { CONFIG_FIELDS } from '../config/config-fields.js';

/** Adds a flag for every config field that applies to `name`, documented from the field table. */
export function addConfigOptions(command: Command, name: CommandName): Command {
  command.option(
    '--config <file>',
    'YAML config file (keys as in config.example.yaml) [env: OTEL_TAIL_CONFIG]. Precedence: flags > environment > file > defaults; every key can also be set as OTEL_TAIL_<KEY> (e.g. OTEL_TAIL_JOURNAL, OTEL_TAIL_MAX_LINE_BYTES), which wins over the standard OTEL_* variable',
  );
  for (const field of CONFIG_FIELDS) {
    if (field.commands !== undefined && !field.commands.includes(name)) continue;
    const env = field.env === undefined ? '' : ` [env: ${field.env.join(', ')}]`;
    const fallback = field.default === undefined || typeof field.default === 'object' ? '' : ` (default: ${field.default})`;
    const option = new Option(field.flag, `${field.doc}${fallback}${env}`);
    if (field.choices !== undefined) option.choices(field.choices);
    if (field.kind === 'paths' || field.kind === 'strings') option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    command.addOption(option);
  }
  return command;
}
