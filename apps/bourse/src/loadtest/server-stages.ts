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
  'bourse_gc_pause_seconds{scavenge}',
  'bourse_gc_pause_seconds{mark_compact}',
  'bourse_gc_pause_seconds{incremental}',
];

/** What the gateway thread's scavenges kept, between two scrapes (`GcSampler` on the server). */
export interface ScavengeBytes {
  readonly scavenges: number;
  /** Per scavenge, bytes left young or promoted: p50 and p99, MB. */
  readonly survivedP50Mb: number;
  readonly survivedP99Mb: number;
  /** Promoted to the old generation in all, MB. */
  readonly promotedMb: number;
  /** Allocated in the young generation in all, MB (per order: the thread's garbage per order). */
  readonly allocatedMb: number;
}

const BUCKET = /^(\w+)_bucket\{(.*)\} (\S+)$/;
/** Plain counters read beside the histograms (stored as one +Inf bucket). */
const COUNTER = /^(bourse_gc_(?:promoted|young_allocated)_bytes_total) (\S+)$/;

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
    const c = COUNTER.exec(line);
    if (c !== null) out.set(c[1]!, new Map([[Number.POSITIVE_INFINITY, Number(c[2])]]));
    const m = BUCKET.exec(line);
    if (m === null) continue;
    const [, name, labels, value] = m as unknown as [string, string, string, string];
    const stage = /(?:stage|kind)="([^"]*)"/.exec(labels)?.[1];
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
    const delta = since(before, after, key);
    const count = delta.at(-1)?.[1] ?? 0;
    if (count <= 0) continue;
    const ms = (q: number) => Math.round(bucketQuantile(delta, q) * 1e5) / 100;
    const label = /\{(\w+)\}$/.exec(key)?.[1];
    const gc = key.startsWith('bourse_gc_');
    out[label === undefined ? key.replace(/^bourse_|_seconds$/g, '') : gc ? `gc_${label}` : label] =
      {
        count,
        p50Ms: ms(0.5),
        p99Ms: ms(0.99),
        p999Ms: ms(0.999),
      };
  }
  return out;
}

function since(before: Scrape, after: Scrape, key: string): (readonly [number, number])[] {
  const a = after.get(key);
  const b = before.get(key);
  if (a === undefined) return [];
  return [...a].sort((x, y) => x[0] - y[0]).map(([le, c]) => [le, c - (b?.get(le) ?? 0)] as const);
}

/** Bytes surviving the gateway thread's scavenges between two scrapes; undefined without any. */
export function scavengeBytes(before: Scrape, after: Scrape): ScavengeBytes | undefined {
  const survived = since(before, after, 'bourse_gc_survived_bytes');
  const scavenges = survived.at(-1)?.[1] ?? 0;
  if (scavenges <= 0) return undefined;
  const mb = (bytes: number) => Math.round((bytes / (1024 * 1024)) * 100) / 100;
  return {
    scavenges,
    survivedP50Mb: mb(bucketQuantile(survived, 0.5)),
    survivedP99Mb: mb(bucketQuantile(survived, 0.99)),
    promotedMb: mb(since(before, after, 'bourse_gc_promoted_bytes_total').at(-1)?.[1] ?? 0),
    allocatedMb: mb(since(before, after, 'bourse_gc_young_allocated_bytes_total').at(-1)?.[1] ?? 0),
  };
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
