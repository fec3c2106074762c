import type { AttributeValue } from '@opentelemetry/api';
import { ATTR } from '../reconstruct/attribute-names.js';
import type { FinishedTrace, SpanRecord } from '../reconstruct/span-record.js';

export interface RenderTraceTreeOptions {
  /** Wrap parts in ANSI colours. */
  color: boolean;
  /** Columns of the timeline bar; 0 leaves the bar out. */
  width: number;
  /** Shown in the header when given. */
  serviceName?: string;
}

/** The attributes worth a glance in a terminal, in display order. */
const KEY_ATTRIBUTES: readonly string[] = [
  ATTR.genAiRequestModel,
  ATTR.genAiUsageInputTokens,
  ATTR.genAiUsageOutputTokens,
  ATTR.genAiToolName,
  ATTR.genAiToolCallId,
  ATTR.httpResponseStatusCode,
  ATTR.errorType,
  ATTR.openclawRunId,
  ATTR.openclawCostUsd,
  ATTR.openclawSpanIncomplete,
];

const ANSI = { bold: '1', dim: '2', red: '31', yellow: '33', cyan: '36' } as const;
const MAX_NAME_COLUMN = 48;
const MAX_VALUE_CHARS = 40;
const MAX_EVENT_NAMES = 3;

interface Line {
  span: SpanRecord;
  guide: string;
}

/**
 * One trace as a tree: a header, then one line per span with tree guides,
 * duration, a timeline bar over the trace's range, error status and key
 * attributes. Children are ordered by start; spans whose parent is not in the
 * trace are shown at top level. Pure, so it can be tested without a stream.
 */
export function renderTraceTree(trace: FinishedTrace, options: RenderTraceTreeOptions): string {
  const paint = (code: string, text: string): string =>
    options.color && text !== '' ? `\x1b[${code}m${text}\x1b[0m` : text;
  const spans = trace.spans;
  // A loop, not Math.min(...spread): spreading a huge trace overflows the argument stack.
  let startMs = spans.length === 0 ? 0 : Infinity;
  let endMs = spans.length === 0 ? 0 : -Infinity;
  for (const span of spans) {
    startMs = Math.min(startMs, span.startMs);
    endMs = Math.max(endMs, span.endMs);
  }

  const header = [
    paint(ANSI.bold, `trace ${trace.traceId}`),
    options.serviceName === undefined ? '' : `service=${options.serviceName}`,
    trace.hostName === undefined ? '' : `host=${trace.hostName}`,
    `${spans.length} ${spans.length === 1 ? 'span' : 'spans'}`,
    formatDuration(endMs - startMs),
    trace.incomplete ? paint(ANSI.yellow, 'incomplete') : '',
  ];
  const out = [join(header)];

  const lines = treeLines(spans);
  let nameColumn = 0;
  for (const l of lines) nameColumn = Math.max(nameColumn, l.guide.length + l.span.name.length);
  nameColumn = Math.min(MAX_NAME_COLUMN, nameColumn);
  for (const { span, guide } of lines) {
    const isError = span.status.code === 'error';
    const label = `${guide}${span.name}`.padEnd(nameColumn);
    const parts = [
      `${paint(ANSI.dim, guide)}${paint(isError ? ANSI.red : ANSI.bold, label.slice(guide.length))}`,
      formatDuration(Math.max(0, span.endMs - span.startMs)).padStart(7),
      paint(ANSI.cyan, timelineBar(span, startMs, endMs, options.width)),
      isError ? paint(ANSI.red, errorText(span)) : '',
      paint(ANSI.dim, keyAttributes(span)),
      eventSummary(span),
    ];
    out.push(join(parts));
  }
  return out.join('\n');
}

/** `0.42ms`, `597ms`, `1.23s`, `2m05s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1) return `${ms.toFixed(2)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms - minutes * 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

/** Depth-first, children by start time; iterative so a long parent chain cannot overflow the stack. */
function treeLines(spans: readonly SpanRecord[]): Line[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, SpanRecord[]>();
  const roots: SpanRecord[] = [];
  for (const span of spans) {
    const parent = span.parentSpanId;
    if (parent !== undefined && parent !== span.spanId && ids.has(parent)) {
      const siblings = children.get(parent);
      if (siblings === undefined) children.set(parent, [span]);
      else siblings.push(span);
    } else {
      roots.push(span);
    }
  }
  const byStart = (a: SpanRecord, b: SpanRecord): number => a.startMs - b.startMs;
  for (const siblings of children.values()) siblings.sort(byStart);
  roots.sort(byStart);

  const lines: Line[] = [];
  const seen = new Set<SpanRecord>();
  const walk = (root: SpanRecord): void => {
    const stack: { span: SpanRecord; guide: string; indent: string }[] = [
      { span: root, guide: '', indent: '' },
    ];
    for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
      if (seen.has(item.span)) continue;
      seen.add(item.span);
      lines.push({ span: item.span, guide: item.guide });
      const kids = (children.get(item.span.spanId) ?? []).filter((k) => !seen.has(k));
      for (let i = kids.length - 1; i >= 0; i--) {
        const last = i === kids.length - 1;
        stack.push({
          span: kids[i] as SpanRecord,
          guide: `${item.indent}${last ? '└─ ' : '├─ '}`,
          indent: `${item.indent}${last ? '   ' : '│  '}`,
        });
      }
    }
  };
  for (const root of roots) walk(root);
  // Spans caught in a parent cycle have no root to hang from; show them rather than lose them.
  for (const span of [...spans].sort(byStart)) if (!seen.has(span)) walk(span);
  return lines;
}

function timelineBar(span: SpanRecord, startMs: number, endMs: number, width: number): string {
  if (width <= 0) return '';
  const range = endMs - startMs;
  if (!(range > 0)) return '█'.repeat(width);
  const from = clamp(Math.floor(((span.startMs - startMs) / range) * width), 0, width - 1);
  const to = clamp(Math.ceil(((span.endMs - startMs) / range) * width), from + 1, width);
  return '·'.repeat(from) + '█'.repeat(to - from) + '·'.repeat(width - to);
}

function errorText(span: SpanRecord): string {
  const message = span.status.message;
  return message === undefined || message === '' ? '✗ ERROR' : `✗ ERROR: ${truncate(oneLine(message))}`;
}

function keyAttributes(span: SpanRecord): string {
  const parts: string[] = [];
  for (const key of KEY_ATTRIBUTES) {
    const value = span.attributes[key];
    if (value !== undefined && value !== null) parts.push(`${key}=${formatValue(value)}`);
  }
  return parts.join(' ');
}

function eventSummary(span: SpanRecord): string {
  const events = span.events;
  if (events.length === 0) return '';
  const names = events.slice(0, MAX_EVENT_NAMES).map((e) => e.name);
  const more = events.length > MAX_EVENT_NAMES ? ` +${events.length - MAX_EVENT_NAMES}` : '';
  return `events: ${names.join(', ')}${more}`;
}

function formatValue(value: AttributeValue): string {
  if (typeof value === 'string') {
    const text = truncate(oneLine(value));
    return text === '' || /\s/.test(text) ? JSON.stringify(text) : text;
  }
  if (Array.isArray(value)) return truncate(JSON.stringify(value));
  return String(value);
}

function join(parts: readonly string[]): string {
  return parts.filter((p) => p !== '').join('  ');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function truncate(text: string): string {
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
