import type { Command } from 'commander';
import { addConfigOptions } from './config-options.js';

const DEAD_LETTER_HELP = `
A follower keeps the traces a backend refused as they are (HTTP 400, 413, 422, or spans a 200
answer listed as rejected) in <state dir>/dead-letter.jsonl instead of dropping them: sending them
again unchanged cannot help. Once the cause is fixed (a larger request limit, a smaller
--max-request-bytes, --redact for an attribute the backend will not take, ...), replay them with
the same state dir and endpoint. otel-tail status shows how many are waiting.

Examples:
  otel-tail dead-letter replay --endpoint http://127.0.0.1:4318
  otel-tail dead-letter replay --config /etc/otel-tail.yaml --state-dir /var/lib/otel-tail

Exit status: 0 when every trace was accepted (the file is then gone), 1 when some were refused
again or could not be sent (they are kept), 2 for a usage or configuration error.`;

/** `otel-tail dead-letter replay`. */
export function addDeadLetterCommands(program: Command, setExit: (code: number) => void): void {
  const deadLetter = program.command('dead-letter').description('Traces a backend refused, kept in the state dir: send them again once the cause is fixed.').addHelpText('after', DEAD_LETTER_HELP);
  addConfigOptions(
    deadLetter.command('replay').description('Send the refused traces of <state dir>/dead-letter.jsonl again, through this config; keep what is refused again.').addHelpText('after', DEAD_LETTER_HELP),
    'replay',
  ).action(async (flags: Record<string, unknown>) => {
    setExit(await (await import('./dead-letter-command.js')).deadLetterReplayCommand(flags));
  });
}
