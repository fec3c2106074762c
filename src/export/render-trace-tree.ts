import type { FinishedTrace, SpanRecord } from '../model/span-record.js';
import { eventSummary, formatValue, oneLine, sharedRunId, spanLabels, truncate } from './span-labels.js';

export interface RenderTraceTreeOptions {
  /** Wrap parts in ANSI colours. */
  color: boolean;
  /** Columns of the timeline bar; 0 leaves the bar out. */
  width: number;
  /** Shown in the header when given. */
  serviceName?: string;
  /** Cut every line to this many columns (a terminal's width), marking the cut with `…`; none when undefined. */
  maxColumns?: number;
}

const ANSI = { bold: '1', dim: '2', red: '31', yellow: '33', cyan: '36' } as const;
const MAX_NAME_COLUMN = 48;

interface Line {
  span: SpanRecord;
  guide: string;
}

/** A piece of a line and its colour; pieces are joined by two spaces, or none when `glued`. */
interface Segment {
  text: string;
  code?: string;
  glued?: boolean;
}

/**
 * One trace as a tree: a header (id, absolute start time, host, run), then
 * one line per span with tree guides, duration, a timeline bar over the
 * trace's range, error status, the attributes worth a glance under short
 * labels, and its events counted by kind. Children are ordered by start;
 * spans whose parent is not in the trace are shown at top level. Pure, so it
 * can be tested without a stream.
 */
export function renderTraceTree(trace: FinishedTrace, options: RenderTraceTreeOptions): string {
  const spans = trace.spans;
  // A loop, not Math.min(...spread): spreading a huge trace overflows the argument stack.
  let startMs = spans.length === 0 ? 0 : Infinity;
  let endMs = spans.length === 0 ? 0 : -Infinity;
  for (const span of spans) {
    startMs = Math.min(startMs, span.startMs);
    endMs = Math.max(endMs, span.endMs);
  }
  const runId = sharedRunId(spans);

  const header: Segment[] = [
    { text: `trace ${trace.traceId}`, code: ANSI.bold },
    { text: Number.isFinite(startMs) && spans.length > 0 ? new Date(startMs).toISOString() : '' },
    { text: trace.hostName === undefined ? '' : `host=${trace.hostName}` },
    { text: `${spans.length} ${spans.length === 1 ? 'span' : 'spans'}` },
    { text: formatDuration(endMs - startMs) },
    { text: trace.incomplete ? 'incomplete' : '', code: ANSI.yellow },
    // Last: what a narrow terminal can best do without.
    { text: runId === undefined ? '' : `run=${formatValue(runId)}` },
    { text: options.serviceName === undefined ? '' : `service=${options.serviceName}` },
  ];
  const out = [renderLine(header, options)];

  const lines = treeLines(spans);
  let nameColumn = 0;
  for (const l of lines) nameColumn = Math.max(nameColumn, l.guide.length + l.span.name.length);
  nameColumn = Math.min(MAX_NAME_COLUMN, nameColumn);
  for (const { span, guide } of lines) {
    const isError = span.status.code === 'error';
    const label = `${guide}${span.name}`.padEnd(nameColumn);
    const segments: Segment[] = [
      { text: guide, code: ANSI.dim },
      { text: label.slice(guide.length), code: isError ? ANSI.red : ANSI.bold, glued: true },
      { text: formatDuration(Math.max(0, span.endMs - span.startMs)).padStart(7) },
      { text: timelineBar(span, startMs, endMs, options.width), code: ANSI.cyan },
      { text: isError ? errorText(span) : '', code: ANSI.red },
      { text: spanLabels(span, runId), code: ANSI.dim },
      { text: eventSummary(span) },
    ];
    out.push(renderLine(segments, options));
  }
  return out.join('\n');
}

/** Joins the non-empty segments, painted, cut to `maxColumns` with `…`. */
function renderLine(segments: readonly Segment[], options: RenderTraceTreeOptions): string {
  const limit = options.maxColumns ?? Infinity;
  let line = '';
  let used = 0;
  for (const segment of segments) {
    if (segment.text === '') continue;
    const gap = used === 0 || segment.glued === true ? '' : '  ';
    const room = limit - used - gap.length;
    if (room <= 0) break;
    const cut = segment.text.length > room;
    const text = cut ? `${segment.text.slice(0, room - 1)}…` : segment.text;
    line += gap + (options.color && segment.code !== undefined ? `\x1b[${segment.code}m${text}\x1b[0m` : text);
    used += gap.length + text.length;
    if (cut) break;
  }
  return line;
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

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
