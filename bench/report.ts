import { targetMet, type Figure } from './benchmark.js';

/** One aligned table per benchmark: label, value, unit, target, met / NOT MET, note. */
export function formatFigures(figures: readonly Figure[]): string {
  const rows = figures.map((figure) => {
    const met = targetMet(figure);
    return [
      figure.label,
      formatValue(figure.value),
      figure.unit,
      figure.target === undefined ? '' : `target ${figure.target.op} ${formatValue(figure.target.value)} ${figure.unit}`.trimEnd(),
      met === undefined ? '' : met ? 'met' : 'NOT MET',
      figure.note ?? '',
    ];
  });
  const widths = [0, 1, 2, 3, 4].map((column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === 1 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `  ${line}`)
    .join('\n');
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(1) : value.toFixed(2);
}
