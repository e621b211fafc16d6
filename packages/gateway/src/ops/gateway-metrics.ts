// Counters the gateway keeps: plain fields bumped where things happen (cheap enough for the order path),
// read by the `/metrics` registry (metrics-registry.ts) when Prometheus scrapes.

import { createGcMetrics, createHistogram, type GcMetrics, type Histogram } from '@bourse/core';

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
  /** How late the gateway thread's timers fire (`EventLoopDelaySampler` in @bourse/core). */
  readonly eventLoopDelaySeconds: Histogram;
  /** The gateway thread's collections: pauses by kind, bytes surviving scavenges (`GcSampler`). */
  readonly gc: GcMetrics;
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
    gc: createGcMetrics(),
  };
}
