import { ownLog } from './own-log.js';

export const EXIT_OK = 0;
/** An export failed, or an input could not be read to its end. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** Standard output's reader went away (`| head`): 128 + SIGPIPE, what a shell reports for `cat` then. */
export const EXIT_BROKEN_PIPE = 141;

/** Prints a usage, configuration or input error and returns the exit code for it. */
export function fail(message: string): number {
  ownLog('error', message);
  return EXIT_USAGE;
}
