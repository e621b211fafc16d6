// The server's own account of a load test's acks: its /metrics page read when the measured window
// opens and after the drain, and the percentiles of what each latency histogram counted in between
// (the ack's stages in the core, the journal's writes, the gateway thread's event-loop delay). Read
// beside the generator's end-to-end figure, they say whether a tail is the disk, the engine or a
// thread waiting for a core. Percentiles are interpolated within a bucket (ack-stages.ts has the bounds).

/** Cumulative bucket counts by upper bound (seconds), per series (`name` or `name{stage}`). */
export type Scrape = Map<string, Map<number, number>>;

export interface StagePercentiles {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
}

/** The series reported, in path order. */
const SERIES: readonly string[] = [
  'bourse_ack_stage_seconds{queue}',
  'bourse_ack_stage_seconds{engine}',
  'bourse_ack_stage_seconds{journal_wait}',
  'bourse_ack_stage_seconds{journal_write}',
  'bourse_ack_stage_seconds{ack}',
  'bourse_ack_stage_seconds{core}',
  'bourse_fsync_latency_seconds',
  'bourse_event_loop_delay_seconds',
];

const BUCKET = /^(\w+)_bucket\{(.*)\} (\S+)$/;

export async function scrapeMetrics(url: string): Promise<Scrape | undefined> {
  try {
    return parseBuckets(await (await fetch(new URL('/metrics', url))).text());
  } catch {
    // A server without the page (or gone): the run's own figures still stand.
    return undefined;
  }
}

export function parseBuckets(text: string): Scrape {
  const out: Scrape = new Map();
  for (const line of text.split('\n')) {
    const m = BUCKET.exec(line);
    if (m === null) continue;
    const [, name, labels, value] = m as unknown as [string, string, string, string];
    const stage = /stage="([^"]*)"/.exec(labels)?.[1];
    const key = stage === undefined ? name : `${name}{${stage}}`;
    const le = /le="([^"]*)"/.exec(labels)?.[1] ?? '+Inf';
    let series = out.get(key);
    if (series === undefined) out.set(key, (series = new Map()));
    series.set(le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), Number(value));
  }
  return out;
}

/** Percentiles of what each reported series counted between the two scrapes. */
export function stagePercentiles(before: Scrape, after: Scrape): Record<string, StagePercentiles> {
  const out: Record<string, StagePercentiles> = {};
  for (const key of SERIES) {
    const a = after.get(key);
    if (a === undefined) continue;
    const b = before.get(key);
    const delta = [...a]
      .sort((x, y) => x[0] - y[0])
      .map(([le, c]) => [le, c - (b?.get(le) ?? 0)] as const);
    const count = delta.at(-1)?.[1] ?? 0;
    if (count <= 0) continue;
    const ms = (q: number) => Math.round(bucketQuantile(delta, q) * 1e5) / 100;
    out[/\{(\w+)\}$/.exec(key)?.[1] ?? key.replace(/^bourse_|_seconds$/g, '')] = {
      count,
      p50Ms: ms(0.5),
      p99Ms: ms(0.99),
      p999Ms: ms(0.999),
    };
  }
  return out;
}

/**
 * The q-quantile of cumulative buckets (seconds, sorted by bound, +Inf last), linear within the
 * bucket it falls in; the cluster bench reads its stage histograms through it too.
 */
export function bucketQuantile(buckets: readonly (readonly [number, number])[], q: number): number {
  const rank = q * (buckets.at(-1)?.[1] ?? 0);
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
