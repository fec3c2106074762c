// CSI sequences (colours and cursor moves) as written by a TTY run into the file log.
// eslint-disable-next-line no-control-regex -- matching the ESC control character is the point
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  // indexOf first: almost no line has escapes, and the check is far cheaper than replace.
  return text.includes('\u001b') ? text.replace(ANSI, '') : text;
}
