export interface ListenAddress {
  host: string;
  port: number;
}

/** `host:port`, `[v6]:port` or a bare port (loopback then). */
export function parseListenAddress(value: string): ListenAddress | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+))?:?(\d{1,5})$/.exec(value.trim());
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port > 65_535) return undefined;
  return { host: match[1] ?? match[2] ?? '127.0.0.1', port };
}
