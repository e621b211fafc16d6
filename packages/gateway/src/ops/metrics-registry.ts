// The `/metrics` page as a prom-client registry. The order path keeps counting in plain fields and
// fixed-bucket histograms (a field increment, no allocation; decision 0530 has the benchmark); every
// family here reads those at scrape time through prom-client's `collect` hook, and prom-client writes
// the exposition text. Names, types and help texts are the dashboard's and the alert rules' contract.

import {
  type CoreHealth,
  type CoreMetrics,
  type ExchangeCore,
  type GcMetrics,
  MetricFamilies as Families,
  type Read,
} from '@bourse/core';
import type { Registry } from 'prom-client';
import { coreHealth } from './core-health.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';

/** The exchange core's figures: commands, rejects, the journal, acks, queues and read-model lag. */
function coreFamilies(f: Families, core: () => CoreMetrics, durableSeq: Read): void {
  f.counter(
    'bourse_commands_total',
    'Commands applied and acknowledged.',
    () => core().commandsTotal,
  );
  f.counter('bourse_rejects_total', 'Commands the engine rejected.', () => core().rejectsTotal);
  f.labelledCounter(
    'bourse_rejects_by_code_total',
    'Commands the engine rejected, by reject code.',
    'code',
    () => core().rejectsByCode,
  );
  f.counter(
    'bourse_journal_fsyncs_total',
    'Journal group commits (fsync).',
    () => core().journalFsyncs,
  );
  f.histogram(
    'bourse_ack_latency_seconds',
    'Submit to durable ack.',
    () => core().ackLatencySeconds,
  );
  f.histogram(
    'bourse_fsync_latency_seconds',
    'Journal fsync duration.',
    () => core().fsyncLatencySeconds,
  );
  f.labelledHistogram(
    'bourse_ack_stage_seconds',
    'Submit to durable ack by stage in the core: queue, engine, journal_wait, journal_write, ack, core.',
    'stage',
    () => core().ackStages,
  );
  f.gauge(
    'bourse_engine_queue_depth',
    'Commands waiting for the engine.',
    () => core().engineQueueDepth,
  );
  f.gauge(
    'bourse_projection_lag_commands',
    'Commands not yet in the read models.',
    () => core().projectionLagCommands,
  );
  f.gauge('bourse_durable_seq', 'Highest durable command seq.', durableSeq);
}

/** Surveillance alerts in the read models, by kind and status (docs/surveillance.md). */
function surveillanceFamilies(f: Families, core: ExchangeCore): void {
  f.labelledGauge(
    'bourse_surveillance_alerts',
    'Surveillance alerts by kind and status (open, acknowledged, escalated).',
    ['kind', 'status'],
    async () =>
      (await core.readModels.alertCounts()).map((c) => ({
        labels: { kind: c.kind, status: c.status },
        value: c.count,
      })),
  );
}

/** The gateway's figures: HTTP, rate limits, WebSocket traffic and closes, history waits, loop delay. */
function gatewayFamilies(f: Families, gw: GatewayMetrics, wsConnections: Read): void {
  const c = (name: string, help: string, key: keyof GatewayMetrics) =>
    f.counter(name, help, () => gw[key] as number);
  c('bourse_http_requests_total', 'HTTP requests.', 'httpRequests');
  c('bourse_http_errors_total', 'HTTP requests answered with 4xx/5xx.', 'httpErrors');
  c(
    'bourse_http_connections_refused_total',
    'Connections refused because their address held its connection cap.',
    'httpConnectionsRefused',
  );
  c(
    'bourse_http_request_timeouts_total',
    'Requests answered 408 because their headers or body did not arrive in time.',
    'httpRequestTimeouts',
  );
  c('bourse_rate_limited_total', 'Requests refused with 429.', 'rateLimited');
  f.gauge('bourse_ws_connections', 'Open WebSocket connections.', wsConnections);
  c('bourse_ws_messages_out_total', 'WebSocket messages sent.', 'wsMessagesOut');
  c('bourse_ws_messages_in_total', 'WebSocket messages received.', 'wsMessagesIn');
  c(
    'bourse_ws_conflations_total',
    'Book streams resnapshotted for slow consumers.',
    'wsConflations',
  );
  c(
    'bourse_ws_slow_disconnects_total',
    'Slow consumers disconnected (past the byte bound, or missing the heartbeat with a backlog).',
    'wsSlowConsumerDrops',
  );
  c(
    'bourse_ws_heartbeat_closes_total',
    'Sockets that missed the heartbeat with nothing waiting for them.',
    'wsHeartbeatCloses',
  );
  c(
    'bourse_ws_revoked_closes_total',
    'Sockets closed because their credentials were revoked.',
    'wsRevokedCloses',
  );
  c(
    'bourse_ws_expired_closes_total',
    'Sockets closed because the bearer token or session that opened them expired.',
    'wsExpiredCloses',
  );
  c(
    'bourse_ws_cancel_on_disconnect_total',
    'Cancel-alls submitted because a socket armed with cancel-on-disconnect closed.',
    'wsCancelOnDisconnect',
  );
  c(
    'bourse_history_wait_timeouts_total',
    'History reads refused (503 HISTORY_BEHIND) because the read models stayed behind too long.',
    'historyWaitTimeouts',
  );
  f.histogram(
    'bourse_event_loop_delay_seconds',
    'How late a 20 ms timer fires on the gateway thread (busy or stalled event loop).',
    () => gw.eventLoopDelaySeconds,
  );
  gcFamilies(f, gw.gc);
}

/** The gateway thread's garbage collection (`GcSampler` in @bourse/core). */
function gcFamilies(f: Families, gc: GcMetrics): void {
  f.labelledHistogram(
    'bourse_gc_pause_seconds',
    "The gateway thread's garbage-collection pauses, by kind (scavenge, mark_compact, incremental, other).",
    'kind',
    () => {
      gc.refresh();
      return gc.pauseSeconds;
    },
  );
  f.histogram(
    'bourse_gc_survived_bytes',
    'Bytes that survived each scavenge of the gateway thread (left young or promoted).',
    () => gc.survivedBytes,
  );
  f.counter(
    'bourse_gc_promoted_bytes_total',
    "Bytes the gateway thread's scavenges promoted to the old generation.",
    () => gc.promotedBytes,
  );
  f.counter(
    'bourse_gc_young_allocated_bytes_total',
    'Bytes the gateway thread allocated in its young generation (found there by each collection).',
    () => gc.youngAllocatedBytes,
  );
}

/** The process's memory (bench/soak reads it) and the core's health (stalled, failed, write errors). */
function processFamilies(f: Families, health: () => CoreHealth): void {
  f.gauge(
    'bourse_process_resident_bytes',
    'Resident memory of the whole process (every thread).',
    () => process.memoryUsage().rss,
  );
  f.gauge(
    'bourse_heap_used_bytes',
    "The gateway thread's V8 heap in use (worker threads have their own).",
    () => process.memoryUsage().heapUsed,
  );
  f.gauge(
    'bourse_external_bytes',
    "Memory outside the gateway thread's V8 heap held by its objects (buffers).",
    () => process.memoryUsage().external,
  );
  f.gauge(
    'bourse_journal_stalled',
    '1 while the journal cannot write (disk full) and trading is refused.',
    () => (health().state === 'stalled' ? 1 : 0),
  );
  f.gauge('bourse_core_failed', '1 once the core has stopped for good.', () =>
    health().state === 'failed' ? 1 : 0,
  );
  f.counter(
    'bourse_journal_write_errors_total',
    'Journal writes that failed (each retry on a full disk counts).',
    () => health().journalWriteErrors,
  );
}

export interface MetricsPageSources {
  readonly core: ExchangeCore;
  readonly gateway: GatewayMetrics;
  readonly wsConnections: () => number;
}

/** The registry behind `/metrics`: every family of the core, the gateway, the process and health. */
export function createMetricsRegistry(s: MetricsPageSources): Registry {
  const f = new Families();
  coreFamilies(
    f,
    () => s.core.metrics,
    () => s.core.durableSeq,
  );
  gatewayFamilies(f, s.gateway, s.wsConnections);
  processFamilies(f, () => coreHealth(s.core));
  surveillanceFamilies(f, s.core);
  return f.registry;
}
