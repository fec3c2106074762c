import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError } from '../model/input-errors.js';
import { parseListenAddress, type ListenAddress } from '../config/listen-address.js';
import type { Health } from './health.js';
import type { MetricsRegistry } from './metrics-registry.js';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheusText } from './prometheus-text.js';

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464 */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * GET /metrics (Prometheus text) and GET /healthz (200 "ok", or 503 and the
 * reason). Everything is read when asked; nothing is logged per request.
 */
export async function startMetricsServer(listen: string, registry: MetricsRegistry, health: () => Promise<Health>): Promise<MetricsServer> {
  const address = parseListenAddress(listen);
  if (address === undefined) throw new InputError(`--metrics-listen ${listen}: expected host:port, e.g. 127.0.0.1:9464.`);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const answer = async (): Promise<void> => {
      if (path === '/metrics') {
        const body = renderPrometheusText(await registry.collect());
        res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(body);
      } else if (path === '/healthz') {
        const result = await health();
        res.writeHead(result.healthy ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' }).end(result.healthy ? 'ok\n' : `unhealthy: ${result.reason}\n`);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('otel-tail serves /metrics and /healthz\n');
      }
    };
    answer().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`error: ${(error as Error).message}\n`);
    });
  });
  await listenOn(server, address, listen);
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${host}:${bound.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function listenOn(server: Server, address: ListenAddress, shown: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new InputError(`--metrics-listen ${shown}: cannot listen there (${error.code ?? error.message}). Pass a free address, e.g. 127.0.0.1:9464.`));
    });
    server.listen(address.port, address.host, () => resolve());
  });
}
