// Reads the server's Prometheus text exposition: plain samples by name, and histogram buckets turned
// into percentiles (linear interpolation inside the bucket, as Prometheus' histogram_quantile does).

export interface Metrics {
  readonly values: ReadonlyMap<string, number>;
  /** Histogram name → [upper bound, cumulative count] sorted by bound (+Inf last). */
  readonly buckets: ReadonlyMap<string, readonly (readonly [number, number])[]>;
}

export function parseMetrics(text: string): Metrics {
  const values = new Map<string, number>();
  const buckets = new Map<string, [number, number][]>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m === null) continue;
    const [, name, labels, raw] = m;
    const value = Number(raw);
    if (name!.endsWith('_bucket') && labels !== undefined) {
      const le = /le="([^"]+)"/.exec(labels)?.[1];
      if (le === undefined) continue;
      const base = name!.slice(0, -'_bucket'.length);
      const list = buckets.get(base) ?? [];
      list.push([le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), value]);
      buckets.set(base, list);
    } else if (labels === undefined) values.set(name!, value);
  }
  for (const list of buckets.values()) list.sort((a, b) => a[0] - b[0]);
  return { values, buckets };
}

/** Bucket counts of `now` minus `before` (a window), for percentiles over recent requests. */
export function bucketDelta(
  now: readonly (readonly [number, number])[],
  before: readonly (readonly [number, number])[] | undefined,
): [number, number][] {
  return now.map(([le, c], i) => [le, c - (before?.[i]?.[1] ?? 0)]);
}

/** The q-quantile (0..1) of a cumulative histogram, or undefined when it is empty. */
export function quantile(
  buckets: readonly (readonly [number, number])[],
  q: number,
): number | undefined {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return prevLe;
      const inBucket = count - prevCount;
      return inBucket <= 0 ? le : prevLe + ((le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}
