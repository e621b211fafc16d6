// What an engine node counts about the cluster: role and term, elections won, appends to the log and
// their latency, fenced (refused) appends, standby lag, state-hash agreement and etcd's database size.
// Each node reports them in its `status` reply, collected through `clusterMetricsRegistry`.

import {
  type CoreMetrics,
  createHistogram,
  type Histogram,
  MetricFamilies,
  STAGE_BOUNDS_SECONDS,
} from '@bourse/core';
import type { Registry } from 'prom-client';

export interface ClusterMetrics {
  /** 1 while this node leads. */
  leader: number;
  term: number;
  electionsWon: number;
  /** Group-commit batches appended to the log by this node. */
  appendedBatches: number;
  /** Appends the log refused or that failed (each one deposes the node). */
  fencedAppends: number;
  /** Appends sent while an earlier one was still in flight (decision 0935). */
  overlappedAppends: number;
  /** Appends sent again because etcd took them before their predecessor (not a fence). */
  resentAppends: number;
  readonly appendLatencySeconds: Histogram;
  /**
   * One write and fsync of the local journal, behind the log (nothing acknowledged waits for it): of
   * every batch appended since the last, started at most every 100 ms (decision 0942).
   */
  readonly localCommitSeconds: Histogram;
  /** A `submit` request taken by the leader → its reply sent: the leader's share of an ack. */
  readonly submitLatencySeconds: Histogram;
  /** How late a 20 ms timer fires on the node's main thread (where requests, appends and acks run). */
  readonly eventLoopDelaySeconds: Histogram;
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
    overlappedAppends: 0,
    resentAppends: 0,
    appendLatencySeconds: createHistogram(STAGE_BOUNDS_SECONDS),
    localCommitSeconds: createHistogram(STAGE_BOUNDS_SECONDS),
    submitLatencySeconds: createHistogram(STAGE_BOUNDS_SECONDS),
    eventLoopDelaySeconds: createHistogram(STAGE_BOUNDS_SECONDS),
    lagCommands: 0,
    hashesChecked: 0,
    hashMismatches: 0,
    trimmedBatches: 0,
    etcdDbSizeBytes: 0,
    etcdNoSpaceAlarm: 0,
    replayRecomputed: 0,
  };
}

/**
 * One node's metrics as a prom-client registry, every series labelled with the node id: read from the
 * plain fields when collected. The node sends `getMetricsAsJSON()` in its status reply, and a gateway
 * aggregates the nodes' replies with prom-client's AggregatorRegistry for its /metrics page.
 */
export function clusterMetricsRegistry(
  node: string,
  m: ClusterMetrics,
  ackStages: () => CoreMetrics['ackStages'] = () => undefined,
): Registry {
  const f = new MetricFamilies();
  f.registry.setDefaultLabels({ node });
  f.gauge('bourse_cluster_leader', '1 while this engine node leads.', () => m.leader);
  f.gauge('bourse_cluster_term', 'Election term this node last saw.', () => m.term);
  f.counter('bourse_cluster_elections_won_total', 'Elections won.', () => m.electionsWon);
  f.counter(
    'bourse_cluster_appends_total',
    'Batches appended to the log.',
    () => m.appendedBatches,
  );
  f.counter('bourse_cluster_fenced_appends_total', 'Appends refused.', () => m.fencedAppends);
  f.counter(
    'bourse_cluster_overlapped_appends_total',
    'Appends sent while an earlier one was in flight.',
    () => m.overlappedAppends,
  );
  f.counter(
    'bourse_cluster_resent_appends_total',
    'Appends sent again: etcd took them before their predecessor.',
    () => m.resentAppends,
  );
  f.gauge('bourse_cluster_lag_commands', 'Log head minus applied seq.', () => m.lagCommands);
  f.counter('bourse_cluster_hash_checks_total', 'State hashes compared.', () => m.hashesChecked);
  f.counter(
    'bourse_cluster_hash_mismatches_total',
    'State hash disagreements.',
    () => m.hashMismatches,
  );
  f.counter('bourse_cluster_trimmed_batches_total', 'Log batches trimmed.', () => m.trimmedBatches);
  f.gauge('bourse_cluster_etcd_db_size_bytes', 'etcd backend size.', () => m.etcdDbSizeBytes);
  f.gauge(
    'bourse_cluster_etcd_nospace_alarm',
    '1 while etcd refuses writes.',
    () => m.etcdNoSpaceAlarm,
  );
  f.counter(
    'bourse_cluster_replay_recomputed_total',
    'Commands recomputed from disk for replay.',
    () => m.replayRecomputed,
  );
  f.histogram(
    'bourse_cluster_append_latency_seconds',
    'Fenced etcd append latency.',
    () => m.appendLatencySeconds,
  );
  f.histogram(
    'bourse_cluster_local_commit_latency_seconds',
    "The local journal's grouped write and fsync, behind the log (no ack waits for it).",
    () => m.localCommitSeconds,
  );
  f.histogram(
    'bourse_cluster_submit_latency_seconds',
    'Leader: submit request taken → reply sent.',
    () => m.submitLatencySeconds,
  );
  f.histogram(
    'bourse_cluster_event_loop_delay_seconds',
    "How late a 20 ms timer fires on the node's main thread.",
    () => m.eventLoopDelaySeconds,
  );
  // The node's current core (a new one after each step down): on the leader, where a submit's time
  // goes between its request and its reply; the journal stages are the fenced append.
  f.labelledHistogram(
    'bourse_cluster_ack_stage_seconds',
    "The node's core: submitted to acknowledged by stage (queue, engine, journal_wait, journal_write, ack, core).",
    'stage',
    ackStages,
  );
  return f.registry;
}
