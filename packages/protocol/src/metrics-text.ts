// The server's /metrics page read back (Prometheus text exposition): plain samples by name, and each
// histogram's cumulative buckets, summed over label sets or split by the label the reader names; the
// percentiles of what a histogram counted between two reads are interpolated inside a bucket, as
// Prometheus' histogram_quantile does. It imports nothing, so the browser takes it too (the
// `@bourse/protocol/metrics-text` entry): the web's operations page, `bourse loadtest` and the
// cluster bench read percentiles through it, so a p99 means the same in each.

export type Labels = Readonly<Record<string, string>>;

/** Cumulative count by upper bound (+Inf as `Infinity`). */
export type Buckets = Map<number, number>;

export interface MetricsText {
  /** Samples without labels (counters, gauges), by name. */
  readonly values: Map<string, number>;
  /** Histogram series (as `seriesOf` names them) → cumulative buckets. */
  readonly histograms: Map<string, Buckets>;
}

/**
 * Names the histogram series a `_bucket` sample counts in from its family and labels (`le` aside), or
 * undefined to leave it out. Samples of one series with the same bound are summed.
 */
export type SeriesOf = (family: string, labels: Labels) => string | undefined;

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g;

function labelsOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(LABEL)) out[m[1]!] = m[2]!;
  return out;
}

/** By default a histogram is its family: every label set summed into one series. */
const byFamily: SeriesOf = (family) => family;

export interface Sample {
  readonly name: string;
  /** Empty for a sample written without labels. */
  readonly labels: Labels;
  readonly value: number;
}

/** Every sample of an exposition, in page order (comments and malformed lines skipped). */
export function* metricSamples(text: string): Generator<Sample> {
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (m === null) continue;
    const [, name, labels, value] = m as unknown as [string, string, string | undefined, string];
    yield { name, labels: labels === undefined ? {} : labelsOf(labels), value: Number(value) };
  }
}

/** The sum of every sample of `name` whose labels include `having` (all of them by default). */
export function metricSum(text: string, name: string, having: Labels = {}): number {
  let total = 0;
  for (const s of metricSamples(text)) {
    if (s.name !== name) continue;
    if (Object.entries(having).every(([k, v]) => s.labels[k] === v)) total += s.value;
  }
  return total;
}

/**
 * Reads one exposition into `into` (a fresh one by default): reading several pages into one sums
 * their histograms, as a cluster's gateways together counted them.
 */
export function parseMetricsText(
  text: string,
  seriesOf: SeriesOf = byFamily,
  into: MetricsText = { values: new Map(), histograms: new Map() },
): MetricsText {
  for (const { name, labels: all, value } of metricSamples(text)) {
    const { le, ...labels } = all;
    if (Object.keys(all).length === 0) {
      into.values.set(name, value);
      continue;
    }
    if (le === undefined || !name.endsWith('_bucket')) continue;
    const series = seriesOf(name.slice(0, -'_bucket'.length), labels);
    if (series === undefined) continue;
    let buckets = into.histograms.get(series);
    if (buckets === undefined) into.histograms.set(series, (buckets = new Map()));
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + value);
  }
  return into;
}

/** What `after` counted beyond `before` (an earlier read of the same series), sorted by bound. */
export function bucketsSince(
  after: Buckets | undefined,
  before?: Buckets,
): (readonly [number, number])[] {
  if (after === undefined) return [];
  return [...after]
    .sort((x, y) => x[0] - y[0])
    .map(([le, count]) => [le, count - (before?.get(le) ?? 0)] as const);
}

/**
 * The q-quantile (0..1) of cumulative buckets sorted by bound (+Inf last), linear inside the bucket it
 * falls in (in the +Inf bucket: the last finite bound); undefined when they count nothing.
 */
export function bucketQuantile(
  buckets: readonly (readonly [number, number])[],
  q: number,
): number | undefined {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return lower;
      return count <= below ? le : lower + ((le - lower) * (rank - below)) / (count - below);
    }
    lower = le;
    below = count;
  }
  return lower;
}
