// Who flushes the disk during a load run, counted by each process itself (so other work on a shared
// machine does not blur it, unlike the disks' own flush count): etcd's WAL fsyncs and backend
// commits (each member's /metrics), the engine nodes' journal writes (each an O_DSYNC write; every
// node's `bourse_cluster_local_commit_latency_seconds`, which each gateway's /metrics carries), and
// PostgreSQL's WAL syncs and the rest of its WAL figures (pg-wal.ts).

import { metricSum } from '@bourse/protocol/metrics-text';
import type { ClusterState } from '../../apps/bourse/src/cluster/cluster-state.ts';
import { type WalStats, walNote, walStats } from './pg-wal.ts';

export interface SyncCounts {
  readonly etcdWalFsyncs: number;
  readonly etcdBackendCommits: number;
  readonly nodeJournalWrites: number;
  readonly pg: WalStats | undefined;
  readonly at: number;
}

/** A server's /metrics page, or '' when it does not answer within 10 s. */
export async function page(url: string): Promise<string> {
  try {
    return await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  } catch {
    return '';
  }
}

export async function syncCounts(state: ClusterState): Promise<SyncCounts> {
  const etcd = await Promise.all(state.etcd.map(page));
  const gateway = Object.entries(state.ports).find(([name]) => name.startsWith('gateway'));
  const nodes = gateway === undefined ? '' : await page(`http://127.0.0.1:${gateway[1]}`);
  return {
    etcdWalFsyncs: etcd.reduce(
      (a, t) => a + metricSum(t, 'etcd_disk_wal_fsync_duration_seconds_count'),
      0,
    ),
    etcdBackendCommits: etcd.reduce(
      (a, t) => a + metricSum(t, 'etcd_disk_backend_commit_duration_seconds_count'),
      0,
    ),
    nodeJournalWrites: metricSum(nodes, 'bourse_cluster_local_commit_latency_seconds_count'),
    pg: await walStats(state.pgUrl),
    at: performance.now(),
  };
}

/** "syncs per second by component: etcd WAL fsyncs 930 (3 members) · … ; PostgreSQL's WAL: …". */
export function syncNote(label: string, a: SyncCounts, b: SyncCounts, orders: number): string {
  const seconds = (b.at - a.at) / 1000;
  const rate = (k: 'etcdWalFsyncs' | 'etcdBackendCommits' | 'nodeJournalWrites') =>
    ((b[k] - a[k]) / seconds).toFixed(0);
  const pgSyncs =
    a.pg === undefined || b.pg === undefined
      ? '—'
      : ((b.pg.syncs - a.pg.syncs) / seconds).toFixed(0);
  const parts = [
    `etcd WAL fsyncs ${rate('etcdWalFsyncs')} (3 members)`,
    `etcd backend commits ${rate('etcdBackendCommits')}`,
    `engine nodes' journal writes ${rate('nodeJournalWrites')} (3 nodes)`,
    `PostgreSQL WAL syncs ${pgSyncs}`,
  ];
  const wal = walNote(label, a.pg, b.pg, orders);
  return (
    `${label}, syncs per second by component over ${seconds.toFixed(1)} s (counted by each ` +
    `process): ${parts.join(' · ')}${wal === undefined ? '' : `. ${wal}`}`
  );
}
