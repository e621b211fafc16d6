// How the leader's fenced appends went over a load run (decision 0935): appends, how many were sent
// while an earlier one was still in flight, how many were sent again because etcd took them before
// their predecessor, and etcd's own WAL fsyncs over the same run (each member's /metrics), so
// appends per fsync shows whether etcd put several appends in one Raft round.

import type { Histograms } from './stage-timings.ts';
import { metricSum, parseMetricsText } from '@bourse/protocol/metrics-text';
import { page } from './sync-counts.ts';

const LEADER_COUNTERS = [
  'bourse_cluster_appends_total',
  'bourse_cluster_overlapped_appends_total',
  'bourse_cluster_resent_appends_total',
] as const;
const WAL_FSYNCS = 'etcd_disk_wal_fsync_duration_seconds_count';
/**
 * etcd's own timings of what a fenced append waits for, summed over its members: the WAL fsync (on
 * the Raft leader and on a quorum of followers) and bbolt's periodic backend commit.
 */
const ETCD_HISTOGRAMS = new Set([
  'etcd_disk_wal_fsync_duration_seconds',
  'etcd_disk_backend_commit_duration_seconds',
]);

/** Counter name → value, as one-bucket series so they travel with the run's histograms. */
function put(out: Histograms, name: string, value: number): void {
  const prior = out.get(name)?.get(Number.POSITIVE_INFINITY) ?? 0;
  out.set(name, new Map([[Number.POSITIVE_INFINITY, prior + value]]));
}

/**
 * Adds the leader's append counters (from the first gateway's page, which carries every node's
 * metrics), etcd's WAL fsyncs and its fsync and backend-commit histograms summed over `etcd` members
 * to `out`.
 */
export async function scrapeAppendCounters(
  out: Histograms,
  gateway: string,
  leader: string,
  etcd: readonly string[],
): Promise<Histograms> {
  const text = await page(gateway);
  for (const name of LEADER_COUNTERS) put(out, name, metricSum(text, name, { node: leader }));
  for (const url of etcd) {
    const text = await page(url);
    put(out, WAL_FSYNCS, metricSum(text, WAL_FSYNCS));
    const seriesOf = (family: string) => (ETCD_HISTOGRAMS.has(family) ? family : undefined);
    parseMetricsText(text, seriesOf, { values: new Map(), histograms: out });
  }
  return out;
}

/** "fenced appends: 1,234 (45% sent with another in flight, 3 sent again); etcd: …". */
export function appendNote(before: Histograms, after: Histograms, members: number): string {
  const delta = (name: string) =>
    (after.get(name)?.get(Number.POSITIVE_INFINITY) ?? 0) -
    (before.get(name)?.get(Number.POSITIVE_INFINITY) ?? 0);
  const appends = delta('bourse_cluster_appends_total');
  const overlapped = delta('bourse_cluster_overlapped_appends_total');
  const resent = delta('bourse_cluster_resent_appends_total');
  const fsyncs = delta(WAL_FSYNCS) / members;
  const pct = appends > 0 ? ((100 * overlapped) / appends).toFixed(0) : '—';
  const perFsync = fsyncs > 0 ? (appends / fsyncs).toFixed(2) : '—';
  return (
    `fenced appends: ${appends.toLocaleString('en-US')} (${pct}% sent while another was in flight, ` +
    `${resent} sent again after overtaking their predecessor); etcd WAL fsyncs per member ` +
    `${Math.round(fsyncs).toLocaleString('en-US')}: ${perFsync} appends per fsync`
  );
}
