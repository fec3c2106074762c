import type { ResolvedConfig } from '../config/resolve-config.js';
import { ConsoleTreeExporter } from './console-tree-exporter.js';
import { OtlpJsonFileExporter } from './otlp-json-file-exporter.js';
import { OtlpTraceExporter, resolveTracesUrl } from './otlp-exporter.js';
import type { ResourceOptions } from './readable-span.js';
import type { TraceExporter } from './trace-exporter.js';

export function createExporter(config: ResolvedConfig): TraceExporter {
  const resource: ResourceOptions = { serviceName: config.serviceName, attributes: config.resourceAttributes };
  switch (config.exporter) {
    case 'console':
      return new ConsoleTreeExporter({ resource });
    case 'file':
      return new OtlpJsonFileExporter({ path: config.output, resource });
    case 'otlp': {
      // resolveConfig guarantees one of the two is set for otlp.
      const url = resolveTracesUrl(config.endpoint, config.tracesEndpoint) as string;
      return new OtlpTraceExporter({
        url,
        headers: config.headers,
        timeoutMillis: config.exportTimeoutMs,
        resource,
        maxBatchSpans: config.maxBatchSpans,
      });
    }
  }
}
