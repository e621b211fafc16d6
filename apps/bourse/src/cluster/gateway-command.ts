// `bourse cluster gateway` and `bourse cluster projector`: the stateless processes of a cluster. A
// gateway serves the whole API (native REST/WS, Kalshi, web UI) over the remote core (the leader engine
// node over NATS), with users, sessions, keys and tokens in PostgreSQL shared by every gateway and
// credential changes passed between gateways on NATS. The projector is the one writer of the
// PostgreSQL read models. Each prints one JSON line `{"event":"ready",...}` on stdout once serving.

import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AuthStore, createGateway, createLogger, type LogLevel } from '@bourse/gateway';
import { kalshiExtension } from '@bourse/kalshi';
import { openPostgresReadModels } from '@bourse/projections';
import {
  DEFAULT_SUBMIT_SPACING_MS,
  openPgReadSide,
  Projector,
  RemoteExchangeCore,
} from '@bourse/remote-core';
import { lowerProcessTree } from '@bourse/core/thread-priority';
import { CLUSTER_GATEWAY_HELP } from '../help-texts.ts';
import { lowerLocalBackends, niceOption } from './background-priority.ts';
import { ClusterMetrics } from './cluster-metrics.ts';
import { answerGatewayStatus, readClusterStatus } from './cluster-status.ts';
import { NatsAuthPeers } from './nats-auth-peers.ts';

/** The NATS connection of a cluster process: reconnects forever, notices a dead server quickly. */
export function connectNats(servers: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: servers.split(','),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    pingInterval: 2_000,
    maxPingOut: 2,
    waitOnFirstConnect: true,
    // Otherwise every request (a gateway's submits, one per turn of its loop) builds an Error to
    // carry its caller's stack should it time out: a captured stack trace per request, for a message
    // that names the subject anyway.
    noAsyncTraces: true,
  });
}

const COMMON = {
  nats: { type: 'string', default: 'nats://127.0.0.1:4222' },
  pg: { type: 'string' },
  prefix: { type: 'string', default: 'bourse' },
  'log-level': { type: 'string', default: 'info' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function clusterGatewayCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...COMMON,
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      'no-rate-limit': { type: 'boolean', default: false },
      'submit-spacing-ms': { type: 'string' },
    },
  });
  if (values.help) return void process.stdout.write(CLUSTER_GATEWAY_HELP);
  if (values.pg === undefined) throw new Error('--pg is required (a postgres:// URL)');
  const submitSpacingMs = submitSpacing(values['submit-spacing-ms']);
  const logger = createLogger({ level: values['log-level'] as LogLevel });
  const nats = await connectNats(values.nats, `gateway-${process.pid}`);
  const core = await RemoteExchangeCore.open({
    nats,
    prefix: values.prefix,
    readModels: await openPgReadSide(values.pg),
    submitSpacingMs,
  });
  const authStore = await AuthStore.openPostgres(values.pg);
  const peers = new NatsAuthPeers(nats, values.prefix);
  const clusterMetrics = new ClusterMetrics(nats, values.prefix, core);
  const huge = { capacity: 1e9, refillPerSecond: 1e9 };
  let url = '';
  const clusterStatus = sharedFor(1_000, async () => {
    const status = await readClusterStatus(nats, values.prefix, url, 500);
    const stored = await core.readModels.lastAppliedSeq().catch(() => undefined);
    const delivered = core.cluster.deliveredSeq;
    const readModels =
      stored === undefined ? null : { seq: stored, lag: Math.max(0, delivered - stored) };
    return { ...status, readModels };
  });
  const gateway = createGateway({
    core,
    authStore,
    logger,
    authPeers: peers,
    extraMetrics: () => clusterMetrics.render(),
    clusterStatus,
    extensions: [kalshiExtension()],
    ...(values['no-rate-limit']
      ? { rateLimits: { perIp: huge, perKey: huge, marketMakerMultiplier: 1 } }
      : {}),
  });
  peers.attach(gateway.services.authenticator);
  clusterMetrics.register(gateway.metricsRegistry);
  await gateway.ready;
  const server = gateway.server;
  await new Promise<void>((ok) => server.listen(Number(values.port), values.host, ok));
  const port = (server.address() as AddressInfo).port;
  url = `http://${values.host}:${port}`;
  const stopAnswering = answerGatewayStatus(nats, values.prefix, { url, pid: process.pid });
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', role: 'gateway', url, pid: process.pid })}\n`,
  );
  onStop(logger, async () => {
    stopAnswering();
    peers.close();
    clusterMetrics.close();
    await gateway.close();
    await core.close();
    await authStore.close();
    await nats.drain();
  });
}

export async function clusterProjectorCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { ...COMMON, nice: { type: 'string' } },
  });
  if (values.help) return void process.stdout.write(CLUSTER_GATEWAY_HELP);
  const pgUrl = values.pg;
  if (pgUrl === undefined) throw new Error('--pg is required (a postgres:// URL)');
  const nice = niceOption('--nice', values.nice, 0);
  // Before any connection or worker starts, so every thread it makes inherits the niceness.
  await lowerProcessTree(process.pid, nice);
  const onServerProcess = lowerLocalBackends(pgUrl, nice);
  const logger = createLogger({ level: values['log-level'] as LogLevel });
  const nats = await connectNats(values.nats, `projector-${process.pid}`);
  const replayErrors = everySoOften(10_000);
  // Commits without waiting for PostgreSQL's WAL flush: a server crash may lose the last stored
  // batches, and the projector then refills them from the log (docs/cluster.md, "The read models").
  // Named, so PostgreSQL's pg_stat_activity tells the projector's sessions from the gateways' reads.
  const connection = { connectionString: pgUrl, application_name: 'bourse-projector' };
  const open = () =>
    openPostgresReadModels(connection, {
      synchronousCommit: false,
      ...(onServerProcess === undefined ? {} : { onServerProcess }),
    });
  const projector = await untilOpened(logger, () =>
    open().then(async (readModels) =>
      Projector.start({
        nats,
        prefix: values.prefix,
        readModels,
        reopen: open,
        onError: (error) => logger.error('read models not stored; retrying', { error }),
        onReplayError: (error) => {
          const n = replayErrors();
          if (n > 0) logger.error('missed commands not fetched; retrying', { error, times: n });
        },
        onStall: (stall) => logger.error('read models stalled behind the log', { ...stall }),
      }).catch(async (error: unknown) => {
        await readModels.close().catch(() => {});
        throw error;
      }),
    ),
  );
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', role: 'projector', pid: process.pid, storedSeq: projector.storedSeq })}\n`,
  );
  onStop(logger, async () => {
    await projector.close();
    await nats.drain();
  });
}

/** `--submit-spacing-ms`: the least time between two requests of single submits (decision 0951). */
function submitSpacing(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SUBMIT_SPACING_MS;
  if (!/^\d{1,3}$/.test(text) || Number(text) > 100) {
    throw new Error('--submit-spacing-ms must be an integer from 0 to 100');
  }
  return Number(text);
}

/** `load`, its answer reused for `ms` and one call in flight shared, so many pollers cost one. */
function sharedFor<T>(ms: number, load: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = performance.now();
    if (last !== undefined && now - last.at < ms) return last.value;
    const value = load();
    last = { at: now, value };
    value.catch(() => {
      if (last?.value === value) last = undefined;
    });
    return value;
  };
}

/** Opens with `open` until it succeeds (PostgreSQL may start after the projector), logging each failure. */
async function untilOpened<T>(
  logger: ReturnType<typeof createLogger>,
  open: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await open();
    } catch (error) {
      logger.error('read models not reachable; retrying', { error, attempt });
      await new Promise((r) => setTimeout(r, Math.min(5_000, 500 * attempt)));
    }
  }
}

/** Counts calls; answers the count since the last report once per `ms` (else 0), to log a storm once. */
function everySoOften(ms: number): () => number {
  let last = Number.NEGATIVE_INFINITY;
  let count = 0;
  return () => {
    count++;
    const now = performance.now();
    if (now - last < ms) return 0;
    last = now;
    const n = count;
    count = 0;
    return n;
  };
}

function onStop(logger: ReturnType<typeof createLogger>, close: () => Promise<void>): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    await close().catch((error: unknown) => logger.warn('unclean stop', { error }));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
