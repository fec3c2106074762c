/**
 * Quoting for systemd unit files and environment files (systemd.syntax(7),
 * systemd.service(5) "Command lines", systemd.exec(5) EnvironmentFile=).
 */

const PLAIN_WORD = /^[A-Za-z0-9_@+=:,./-]+$/;

/**
 * One ExecStart= argument. systemd splits on whitespace, honours quotes and C escapes, expands
 * `%` specifiers and `$VAR` in every word, so `%` becomes `%%`, `$` becomes `$$`, and anything
 * but a plain word is double-quoted with `\` and `"` escaped.
 */
export function quoteExecArg(arg: string): string {
  const escaped = arg.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (PLAIN_WORD.test(arg)) return escaped;
  const inQuotes = escaped.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  return `"${inQuotes}"`;
}

export function execLine(argv: readonly string[]): string {
  return argv.map(quoteExecArg).join(' ');
}

/**
 * One `NAME=value` line of an EnvironmentFile=. Single quotes keep everything literal; a value
 * holding a single quote is double-quoted with `\ " $ \`` escaped. A newline cannot be written
 * safely, so it is refused (the caller reports the variable, never its value).
 */
export function envFileLine(name: string, value: string): string | undefined {
  if (/[\n\r]/.test(value)) return undefined;
  if (!value.includes("'")) return `${name}='${value}'`;
  return `${name}="${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}
