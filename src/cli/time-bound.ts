const RELATIVE = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `--since` / `--until`: an ISO time (`2026-11-21`, `2026-11-21T08:00:00Z`)
 * or a duration back from now (`90m`, `12h`, `7d`, `2w`). Undefined when it
 * is neither.
 */
export function parseTimeBound(value: string, nowMs: number): number | undefined {
  const relative = RELATIVE.exec(value.trim());
  if (relative !== null) return nowMs - Number(relative[1]) * (UNIT_MS[relative[2] as string] as number);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
