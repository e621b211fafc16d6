// Times and durations as people write them in sandbox scenarios and on the `bourse sandbox` command
// line: `500ms`, `30s`, `15m`, `1h30m`, `2d`; ISO 8601 times; `+<duration>` after a scenario's start.

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `15m`, `2h`, `1d`, `1h30m` or a bare number of milliseconds; undefined otherwise. */
export function parseDuration(text: string): number | undefined {
  if (/^[0-9]{1,15}$/.test(text)) return Number(text);
  const parts = [...text.matchAll(/([0-9]{1,9})(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
}

/**
 * A scenario time: ms since the epoch, an ISO 8601 time, or `+<duration>` after `start`; undefined
 * when it is none of these.
 */
export function resolveTime(time: number | string, start: number): number | undefined {
  if (typeof time === 'number') return time;
  if (time.startsWith('+')) {
    const d = parseDuration(time.slice(1));
    return d === undefined ? undefined : start + d;
  }
  if (/^[0-9]{1,15}$/.test(time)) return Number(time);
  // Date.parse takes many loose forms; a scenario's times are ISO dates with or without a time.
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+(Z|[+-][0-9:]+)?)?$/.test(time)) return undefined;
  const ms = Date.parse(time);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
}
