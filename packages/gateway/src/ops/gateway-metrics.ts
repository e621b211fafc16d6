// Counters the gateway keeps and the Prometheus text rendering of them together with the core's
// metrics (commands, ack latency, fsync latency, queue depth, projection lag).

import { type CoreHealth, type CoreMetrics, createHistogram, type Histogram } from '@bourse/core';

export interface GatewayMetrics {
  httpRequests: number;
  httpErrors: number;
  /** Connections refused because their address held its cap (connection-limits.ts). */
  httpConnectionsRefused: number;
  /** Requests answered 408 because their headers or body did not arrive in time. */
  httpRequestTimeouts: number;
  wsConnections: number;
  wsMessagesOut: number;
  wsMessagesIn: number;
  /** Sockets cut off for not reading: past the byte bound, or caught by the heartbeat with a backlog. */
  wsSlowConsumerDrops: number;
  /** Sockets that missed the heartbeat with nothing waiting for them (silent or gone). */
  wsHeartbeatCloses: number;
  wsConflations: number;
  /** Sockets closed because their credentials were revoked. */
  wsRevokedCloses: number;
  /** Sockets closed because the bearer token or session that opened them expired. */
  wsExpiredCloses: number;
  /** Cancel-alls submitted because a socket armed with cancel-on-disconnect closed. */
  wsCancelOnDisconnect: number;
  rateLimited: number;
  /** History reads answered 503 because the read models stayed behind past the wait bound. */
  historyWaitTimeouts: number;
  /** How late the gateway thread's timers fire (event-loop-delay.ts). */
  readonly eventLoopDelaySeconds: Histogram;
}

export function createGatewayMetrics(): GatewayMetrics {
  return {
    httpRequests: 0,
    httpErrors: 0,
    httpConnectionsRefused: 0,
    httpRequestTimeouts: 0,
    wsConnections: 0,
    wsMessagesOut: 0,
    wsMessagesIn: 0,
    wsSlowConsumerDrops: 0,
    wsHeartbeatCloses: 0,
    wsConflations: 0,
    wsRevokedCloses: 0,
    wsExpiredCloses: 0,
    wsCancelOnDisconnect: 0,
    rateLimited: 0,
    historyWaitTimeouts: 0,
    eventLoopDelaySeconds: createHistogram(),
  };
}

function counter(name: string, help: string, value: number, type = 'counter'): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}\n`;
}

/** One series per key; none before the first count (the family is still declared). */
function labelledCounter(
  name: string,
  help: string,
  label: string,
  values: ReadonlyMap<string, number>,
): string {
  let out = `# HELP ${name} ${help}\n# TYPE ${name} counter\n`;
  // Keys are the engine's reject codes (upper-case identifiers), which need no escaping.
  for (const [key, value] of values) out += `${name}{${label}="${key}"} ${value}\n`;
  return out;
}

function histogram(name: string, help: string, h: Histogram): string {
  let out = `# HELP ${name} ${help}\n# TYPE ${name} histogram\n`;
  let cumulative = 0;
  h.bounds.forEach((bound, i) => {
    cumulative += h.counts[i] ?? 0;
    out += `${name}_bucket{le="${bound}"} ${cumulative}\n`;
  });
  out += `${name}_bucket{le="+Inf"} ${h.count}\n${name}_sum ${h.sum}\n${name}_count ${h.count}\n`;
  return out;
}

/** The core's health: a stalled journal, a failed core, failed journal writes. */
export function renderHealthMetrics(health: CoreHealth): string {
  return [
    counter(
      'bourse_journal_stalled',
      '1 while the journal cannot write (disk full) and trading is refused.',
      health.state === 'stalled' ? 1 : 0,
      'gauge',
    ),
    counter(
      'bourse_core_failed',
      '1 once the core has stopped for good.',
      health.state === 'failed' ? 1 : 0,
      'gauge',
    ),
    counter(
      'bourse_journal_write_errors_total',
      'Journal writes that failed (each retry on a full disk counts).',
      health.journalWriteErrors,
    ),
  ].join('');
}

/** Prometheus text exposition (version 0.0.4). */
export function renderMetrics(core: CoreMetrics, gw: GatewayMetrics, durableSeq: number): string {
  return coreMetricsText(core, durableSeq) + gatewayMetricsText(gw) + memoryGauges();
}

/** The exchange core's figures: commands, rejects, the journal, acks, queues and read-model lag. */
function coreMetricsText(core: CoreMetrics, durableSeq: number): string {
  return [
    counter('bourse_commands_total', 'Commands applied and acknowledged.', core.commandsTotal),
    counter('bourse_rejects_total', 'Commands the engine rejected.', core.rejectsTotal),
    labelledCounter(
      'bourse_rejects_by_code_total',
      'Commands the engine rejected, by reject code.',
      'code',
      core.rejectsByCode,
    ),
    counter('bourse_journal_fsyncs_total', 'Journal group commits (fsync).', core.journalFsyncs),
    histogram('bourse_ack_latency_seconds', 'Submit to durable ack.', core.ackLatencySeconds),
    histogram('bourse_fsync_latency_seconds', 'Journal fsync duration.', core.fsyncLatencySeconds),
    counter(
      'bourse_engine_queue_depth',
      'Commands waiting for the engine.',
      core.engineQueueDepth,
      'gauge',
    ),
    counter(
      'bourse_projection_lag_commands',
      'Commands not yet in the read models.',
      core.projectionLagCommands,
      'gauge',
    ),
    counter('bourse_durable_seq', 'Highest durable command seq.', durableSeq, 'gauge'),
  ].join('');
}

/** The gateway's figures: HTTP, rate limits, WebSocket traffic and closes, history waits, loop delay. */
function gatewayMetricsText(gw: GatewayMetrics): string {
  return [
    counter('bourse_http_requests_total', 'HTTP requests.', gw.httpRequests),
    counter('bourse_http_errors_total', 'HTTP requests answered with 4xx/5xx.', gw.httpErrors),
    counter(
      'bourse_http_connections_refused_total',
      'Connections refused because their address held its connection cap.',
      gw.httpConnectionsRefused,
    ),
    counter(
      'bourse_http_request_timeouts_total',
      'Requests answered 408 because their headers or body did not arrive in time.',
      gw.httpRequestTimeouts,
    ),
    counter('bourse_rate_limited_total', 'Requests refused with 429.', gw.rateLimited),
    counter('bourse_ws_connections', 'Open WebSocket connections.', gw.wsConnections, 'gauge'),
    counter('bourse_ws_messages_out_total', 'WebSocket messages sent.', gw.wsMessagesOut),
    counter('bourse_ws_messages_in_total', 'WebSocket messages received.', gw.wsMessagesIn),
    counter(
      'bourse_ws_conflations_total',
      'Book streams resnapshotted for slow consumers.',
      gw.wsConflations,
    ),
    counter(
      'bourse_ws_slow_disconnects_total',
      'Slow consumers disconnected (past the byte bound, or missing the heartbeat with a backlog).',
      gw.wsSlowConsumerDrops,
    ),
    counter(
      'bourse_ws_heartbeat_closes_total',
      'Sockets that missed the heartbeat with nothing waiting for them.',
      gw.wsHeartbeatCloses,
    ),
    counter(
      'bourse_ws_revoked_closes_total',
      'Sockets closed because their credentials were revoked.',
      gw.wsRevokedCloses,
    ),
    counter(
      'bourse_ws_expired_closes_total',
      'Sockets closed because the bearer token or session that opened them expired.',
      gw.wsExpiredCloses,
    ),
    counter(
      'bourse_ws_cancel_on_disconnect_total',
      'Cancel-alls submitted because a socket armed with cancel-on-disconnect closed.',
      gw.wsCancelOnDisconnect,
    ),
    counter(
      'bourse_history_wait_timeouts_total',
      'History reads refused (503 HISTORY_BEHIND) because the read models stayed behind too long.',
      gw.historyWaitTimeouts,
    ),
    histogram(
      'bourse_event_loop_delay_seconds',
      'How late a 20 ms timer fires on the gateway thread (busy or stalled event loop).',
      gw.eventLoopDelaySeconds,
    ),
  ].join('');
}

/** The process's memory, so growth over a long run shows on the same page (bench/soak reads it). */
function memoryGauges(): string {
  const m = process.memoryUsage();
  return [
    counter(
      'bourse_process_resident_bytes',
      'Resident memory of the whole process (every thread).',
      m.rss,
      'gauge',
    ),
    counter(
      'bourse_heap_used_bytes',
      "The gateway thread's V8 heap in use (worker threads have their own).",
      m.heapUsed,
      'gauge',
    ),
    counter(
      'bourse_external_bytes',
      "Memory outside the gateway thread's V8 heap held by its objects (buffers).",
      m.external,
      'gauge',
    ),
  ].join('');
}
