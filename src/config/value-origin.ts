/** Where a setting's value came from, for `otel-tail validate` and error messages. */
export interface ValueOrigin {
  from: 'flag' | 'env' | 'file' | 'preset' | 'default';
  /** The flag (`--grace`), variable (`OTEL_SERVICE_NAME`), file path, preset (with the variables it read), or `default`. */
  name: string;
}
