// What an engine node counts about the cluster: role and term, elections won, appends to the log and
// their latency, fenced (refused) appends, standby lag, state-hash agreement and etcd's database size.
// Each node reports them in its `status` reply; `renderClusterMetrics` gives Prometheus text.

import { createHistogram, type Histogram } from '@bourse/core';

export interface ClusterMetrics {
  /** 1 while this node leads. */
  leader: number;
  term: number;
  electionsWon: number;
  /** Group-commit batches appended to the log by this node. */
  appendedBatches: number;
  /** Appends the log refused or that failed (each one deposes the node). */
  fencedAppends: number;
  readonly appendLatencySeconds: Histogram;
  /** Log head seq minus this node's applied seq, as of the last look. */
  lagCommands: number;
  hashesChecked: number;
  /** State hashes that disagreed with the cluster's: any non-zero value is an alarm. */
  hashMismatches: number;
  /** Batches deleted from the log behind snapshots. */
  trimmedBatches: number;
  /** etcd's backend size as its member reports it, and whether a NOSPACE alarm is raised. */
  etcdDbSizeBytes: number;
  etcdNoSpaceAlarm: number;
  /** Commands older than the in-memory window recomputed from disk for a `replay` request. */
  replayRecomputed: number;
}

export function createClusterMetrics(): ClusterMetrics {
  return {
    leader: 0,
    term: 0,
    electionsWon: 0,
    appendedBatches: 0,
    fencedAppends: 0,
    appendLatencySeconds: createHistogram(),
    lagCommands: 0,
    hashesChecked: 0,
    hashMismatches: 0,
    trimmedBatches: 0,
    etcdDbSizeBytes: 0,
    etcdNoSpaceAlarm: 0,
    replayRecomputed: 0,
  };
}

/** Prometheus text for one node's metrics, each sample labelled with the node id. */
export function renderClusterMetrics(node: string, m: ClusterMetrics): string {
  const label = `{node=${JSON.stringify(node)}}`;
  const line = (name: string, help: string, type: string, value: number) =>
    `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name}${label} ${value}\n`;
  let out =
    line('bourse_cluster_leader', '1 while this engine node leads.', 'gauge', m.leader) +
    line('bourse_cluster_term', 'Election term this node last saw.', 'gauge', m.term) +
    line('bourse_cluster_elections_won_total', 'Elections won.', 'counter', m.electionsWon) +
    line(
      'bourse_cluster_appends_total',
      'Batches appended to the log.',
      'counter',
      m.appendedBatches,
    ) +
    line('bourse_cluster_fenced_appends_total', 'Appends refused.', 'counter', m.fencedAppends) +
    line('bourse_cluster_lag_commands', 'Log head minus applied seq.', 'gauge', m.lagCommands) +
    line('bourse_cluster_hash_checks_total', 'State hashes compared.', 'counter', m.hashesChecked) +
    line(
      'bourse_cluster_hash_mismatches_total',
      'State hash disagreements.',
      'counter',
      m.hashMismatches,
    ) +
    line(
      'bourse_cluster_trimmed_batches_total',
      'Log batches trimmed.',
      'counter',
      m.trimmedBatches,
    ) +
    line('bourse_cluster_etcd_db_size_bytes', 'etcd backend size.', 'gauge', m.etcdDbSizeBytes) +
    line(
      'bourse_cluster_etcd_nospace_alarm',
      '1 while etcd refuses writes.',
      'gauge',
      m.etcdNoSpaceAlarm,
    ) +
    line(
      'bourse_cluster_replay_recomputed_total',
      'Commands recomputed from disk for replay.',
      'counter',
      m.replayRecomputed,
    );
  const h = m.appendLatencySeconds;
  const name = 'bourse_cluster_append_latency_seconds';
  out += `# HELP ${name} Fenced etcd append latency.\n# TYPE ${name} histogram\n`;
  let cumulative = 0;
  h.bounds.forEach((bound, i) => {
    cumulative += h.counts[i] ?? 0;
    out += `${name}_bucket{node=${JSON.stringify(node)},le="${bound}"} ${cumulative}\n`;
  });
  out += `${name}_bucket{node=${JSON.stringify(node)},le="+Inf"} ${h.count}\n`;
  out += `${name}_sum${label} ${h.sum}\n${name}_count${label} ${h.count}\n`;
  return out;
}
