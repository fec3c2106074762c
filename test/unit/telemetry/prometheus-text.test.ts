import { describe, expect, it } from 'vitest';
import { FixedHistogram } from '../../../src/telemetry/histogram.js';
import { renderPrometheusText } from '../../../src/telemetry/prometheus-text.js';

describe('renderPrometheusText', () => {
  it('writes HELP and TYPE once per family, escapes label values, and renders cumulative buckets', () => {
    const histogram = new FixedHistogram([0.1, 1]);
    histogram.observe(0.05);
    histogram.observe(0.5);
    histogram.observe(3);
    const text = renderPrometheusText([
      { name: 'otel_tail_lines_rejected_total', help: 'Lines skipped.', type: 'counter', samples: [{ labels: { reason: 'a"b\\c\nd' }, value: 2 }] },
      { name: 'otel_tail_export_duration_seconds', help: 'Time.', type: 'histogram', samples: histogram.samples() },
    ]);
    expect(text).toBe(
      [
        '# HELP otel_tail_lines_rejected_total Lines skipped.',
        '# TYPE otel_tail_lines_rejected_total counter',
        'otel_tail_lines_rejected_total{reason="a\\"b\\\\c\\nd"} 2',
        '# HELP otel_tail_export_duration_seconds Time.',
        '# TYPE otel_tail_export_duration_seconds histogram',
        'otel_tail_export_duration_seconds_bucket{le="0.1"} 1',
        'otel_tail_export_duration_seconds_bucket{le="1"} 2',
        'otel_tail_export_duration_seconds_bucket{le="+Inf"} 3',
        'otel_tail_export_duration_seconds_sum 3.55',
        'otel_tail_export_duration_seconds_count 3',
        '',
      ].join('\n'),
    );
  });
});
