// The server's own account of a load test's acks: its /metrics page read just before the measured
// window opens and after the drain, and the percentiles of what each latency histogram counted in between
// (the ack's stages in the core, the journal's writes, the gateway thread's event-loop delay). Read
// beside the generator's end-to-end figure, they say whether a tail is the disk, the engine or a
// thread waiting for a core. Percentiles are interpolated within a bucket (ack-stages.ts has the bounds).

import {
  bucketQuantile,
  bucketsSince,
  type Labels,
  type MetricsText,
  parseMetricsText,
} from '@bourse/protocol/metrics-text';

/** The server's histograms per series (`name` or `name{stage}`) and its plain counters. */
export type Scrape = MetricsText;

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

export async function scrapeMetrics(url: string): Promise<Scrape | undefined> {
  try {
    return parseBuckets(await (await fetch(new URL('/metrics', url))).text());
  } catch {
    // A server without the page (or gone): the run's own figures still stand.
    return undefined;
  }
}

/**
 * A histogram family with a `stage` (or `kind`) label is one series per stage, `name{stage}`; the
 * cluster bench names its series the same way. `node` (a cluster node's own figures) is not split.
 */
export function stageSeries(family: string, labels: Labels): string {
  const stage = labels.stage ?? labels.kind;
  return stage === undefined ? family : `${family}{${stage}}`;
}

export function parseBuckets(text: string): Scrape {
  return parseMetricsText(text, stageSeries);
}

/** Percentiles of what each reported series counted between the two scrapes. */
export function stagePercentiles(before: Scrape, after: Scrape): Record<string, StagePercentiles> {
  const out: Record<string, StagePercentiles> = {};
  for (const key of SERIES) {
    const delta = since(before, after, key);
    const count = delta.at(-1)?.[1] ?? 0;
    if (count <= 0) continue;
    const ms = (q: number) => Math.round(bucketQuantile(delta, q)! * 1e5) / 100;
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
  return bucketsSince(after.histograms.get(key), before.histograms.get(key));
}

/** A plain counter's growth between two scrapes. */
function grown(before: Scrape, after: Scrape, name: string): number {
  return (after.values.get(name) ?? 0) - (before.values.get(name) ?? 0);
}

/** Bytes surviving the gateway thread's scavenges between two scrapes; undefined without any. */
export function scavengeBytes(before: Scrape, after: Scrape): ScavengeBytes | undefined {
  const survived = since(before, after, 'bourse_gc_survived_bytes');
  const scavenges = survived.at(-1)?.[1] ?? 0;
  if (scavenges <= 0) return undefined;
  const mb = (bytes: number) => Math.round((bytes / (1024 * 1024)) * 100) / 100;
  return {
    scavenges,
    survivedP50Mb: mb(bucketQuantile(survived, 0.5)!),
    survivedP99Mb: mb(bucketQuantile(survived, 0.99)!),
    promotedMb: mb(grown(before, after, 'bourse_gc_promoted_bytes_total')),
    allocatedMb: mb(grown(before, after, 'bourse_gc_young_allocated_bytes_total')),
  };
}
