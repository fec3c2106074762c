/** Invalid configuration: the message names the key, the value and what is allowed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  /** Each problem on its own (the message joins them with newlines). */
  readonly problems: readonly string[];

  constructor(message: string, problems: readonly string[] = [message]) {
    super(message);
    this.problems = problems;
  }
}

/** An input path that cannot be read: the message names it and says what to do. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
