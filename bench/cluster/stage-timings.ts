// Where an acknowledged order's time goes in the cluster, stage by stage, from the cluster's own
// latency histograms: the gateways' /metrics pages are read before and after a load run and the
// difference of each histogram's buckets gives that run's percentiles (interpolated within a bucket,
// so off by at most one bucket's width: a few ms up to 100 ms, docs/cluster.md). The leader's stages
// come from its node metrics, which every gateway's /metrics carries labelled with the node.

import {
  bucketQuantile,
  bucketsSince,
  type Buckets,
  type MetricsText,
  parseMetricsText,
} from '@bourse/protocol/metrics-text';
import { stageSeries } from '../../apps/bourse/src/loadtest/server-stages.ts';

/** Histogram series (`name` or `name{stage}`) → cumulative buckets, summed over the pages read. */
export type Histograms = Map<string, Buckets>;

/** The stages reported, in path order: histogram name, what it covers, and its unit (seconds if none). */
const STAGES: readonly { name: string; what: string; unit?: 'bytes' }[] = [
  {
    name: 'bourse_ack_latency_seconds',
    what: 'gateway: submit → ack (NATS both ways, the leader, the events)',
  },
  // The gateway's part, per command (`bourse_gateway_submit_stage_seconds`, remote-exchange-core.ts).
  { name: 'bourse_gateway_submit_stage_seconds{turn}', what: 'gateway: submitted → request sent' },
  {
    name: 'bourse_gateway_submit_stage_seconds{request}',
    what: "gateway: request sent → leader's reply (NATS both ways, the leader)",
  },
  {
    name: 'bourse_gateway_submit_stage_seconds{leader}',
    what: 'of which the leader, by its own account',
  },
  {
    name: 'bourse_gateway_submit_stage_seconds{transit}',
    what: "of which the transit (NATS both ways, each side's main thread getting to it)",
  },
  {
    name: 'bourse_gateway_submit_stage_seconds{events}',
    what: 'gateway: reply → its events in hand',
  },
  {
    name: 'bourse_cluster_submit_latency_seconds',
    what: 'leader: request → reply (its batch wait, engine, etcd append)',
  },
  {
    name: 'bourse_cluster_append_latency_seconds',
    what: 'leader: one fenced etcd append (a quorum fsync)',
  },
  { name: 'etcd_disk_wal_fsync_duration_seconds', what: "etcd: a member's WAL fsync" },
  {
    name: 'etcd_disk_backend_commit_duration_seconds',
    what: "etcd: a member's bbolt backend commit",
  },
  {
    name: 'bourse_cluster_local_commit_latency_seconds',
    what: "leader: its own journal's grouped write + fsync, behind the log",
  },
  {
    name: 'bourse_event_loop_delay_seconds',
    what: 'gateways: event-loop delay',
  },
  // A gateway turn's length is often a collection: its pauses and what each scavenge copied.
  { name: 'bourse_gc_pause_seconds{scavenge}', what: 'gateways: scavenge pause' },
  { name: 'bourse_gc_pause_seconds{mark_compact}', what: 'gateways: mark-compact pause' },
  {
    name: 'bourse_gc_survived_bytes',
    what: 'gateways: bytes surviving a scavenge',
    unit: 'bytes',
  },
  { name: 'bourse_cluster_event_loop_delay_seconds', what: 'leader: event-loop delay' },
  // The leader's core, per command (`bourse_cluster_ack_stage_seconds`, one series per stage).
  { name: 'bourse_cluster_ack_stage_seconds{queue}', what: 'leader core: submitted → engine' },
  { name: 'bourse_cluster_ack_stage_seconds{engine}', what: 'leader core: engine' },
  {
    name: 'bourse_cluster_ack_stage_seconds{journal_wait}',
    what: 'leader core: submitted → its fenced append starts',
  },
  {
    name: 'bourse_cluster_ack_stage_seconds{journal_write}',
    what: 'leader core: its fenced append',
  },
  {
    name: 'bourse_cluster_ack_stage_seconds{ack}',
    what: 'leader core: applied and in the log → acked',
  },
  { name: 'bourse_cluster_ack_stage_seconds{core}', what: 'leader core: submitted → acked' },
];

/**
 * The histograms of the given /metrics pages, buckets summed over pages and label sets; the node-
 * labelled ones (every gateway repeats them) from the first page only, for `leader` alone.
 */
export async function scrapeHistograms(
  urls: readonly string[],
  leader: string,
): Promise<Histograms> {
  const out: MetricsText = { values: new Map(), histograms: new Map() };
  for (const [page, url] of urls.entries()) {
    const text = await (await fetch(`${url}/metrics`)).text();
    parseMetricsText(
      text,
      (family, labels) =>
        labels.node !== undefined && (page > 0 || labels.node !== leader)
          ? undefined
          : stageSeries(family, labels),
      out,
    );
  }
  return out.histograms;
}

/** "ack by stage at 7500/s: gateway: submit → ack p50 9.1 ms / p99 31 ms (n 4,012) · …". */
export function stageNote(label: string, before: Histograms, after: Histograms): string {
  const parts: string[] = [];
  for (const stage of STAGES) {
    const ms = (s: number | undefined) =>
      s === undefined ? '—' : stage.unit === 'bytes' ? (s / 1e6).toFixed(2) : (s * 1000).toFixed(1);
    const unit = stage.unit === 'bytes' ? 'MB' : 'ms';
    const delta = bucketsSince(after.get(stage.name), before.get(stage.name));
    const n = delta.at(-1)?.[1] ?? 0;
    if (n <= 0) continue;
    const p = (q: number) => ms(bucketQuantile(delta, q));
    parts.push(
      `${stage.what}: p50 ${p(0.5)} ${unit}, p90 ${p(0.9)} ${unit}, ` +
        `p99 ${p(0.99)} ${unit} (n ${n.toLocaleString('en-US')})`,
    );
  }
  return `${label}, ack by stage (the cluster's own histograms over the run): ${parts.join(' · ')}`;
}
