// Composition root: opens a data directory as a running exchange — the core (journal, engine worker,
// read models), the auth store beside it, and the gateway on top (with the Kalshi-compatible API
// mounted) — and closes them in reverse order.

import { join } from 'node:path';
import { AlertService, type AlertServiceOptions } from '@bourse/alerts';
import { AuthStore, createGateway, type Gateway, type GatewayOptions } from '@bourse/gateway';
import type { EngineConfig } from '@bourse/engine';
import { kalshiExtension } from '@bourse/kalshi';
import { NewsStore } from '@bourse/news';
import {
  ensurePrivateFile,
  openExchangeCore,
  type ReadDb,
  type ReplicatingCore,
} from '@bourse/core';
import { registerDiskMetrics } from './disk-metrics.ts';
import { startOtlpTracing } from './otlp-tracing.ts';

export interface OpenExchange {
  readonly core: ReplicatingCore;
  readonly authStore: AuthStore;
  /** Feeds and news items (`news.db`); `bourse serve` polls the feeds. */
  readonly news: NewsStore;
  readonly gateway: Gateway;
  close(): Promise<void>;
}

export const AUTH_DB = 'auth.db';
export const NEWS_DB = 'news.db';
/** Signatures used inside the timestamp window, kept across restarts (see the gateway's replay log). */
export const REPLAY_DIR = 'replay';

export async function openExchange(
  dataDir: string,
  options: Partial<Omit<GatewayOptions, 'core' | 'authStore' | 'alerts'>> & {
    onRecoveryProgress?: (p: { seq: number; lastSeq: number }) => void;
    /** Engine settings for a NEW data directory (an existing one keeps the settings it was made with). */
    engineConfig?: Partial<EngineConfig>;
    /** Where the read models live (default: SQLite in the data directory). */
    readDb?: ReadDb;
    /** Send traces of the order path to this OTLP/HTTP endpoint (default: no tracing). */
    otlpTraces?: string;
    /** Users' alerts: the SMTP relay, push subject and retry timing (default: on, no e-mail). */
    alertDelivery?: Partial<
      Pick<AlertServiceOptions, 'smtp' | 'pushSubject' | 'dispatch' | 'tickMs'>
    >;
    /** An auth store the caller owns and closes (a sandbox keeps one across resets). */
    authStore?: AuthStore;
  } = {},
): Promise<OpenExchange> {
  const {
    onRecoveryProgress,
    engineConfig,
    readDb,
    otlpTraces,
    alertDelivery,
    authStore: shared,
    ...gatewayOptions
  } = options;
  const tracing = otlpTraces === undefined ? undefined : startOtlpTracing(otlpTraces);
  const sandbox = gatewayOptions.sandbox;
  const core = await openExchangeCore({
    dataDir,
    recordTimings: tracing !== undefined,
    // A sandbox's simulated clock stamps the commands, so everything time-driven follows it.
    ...(sandbox === undefined ? {} : { clock: () => sandbox.clock.now() }),
    ...(engineConfig === undefined ? {} : { engineConfig }),
    ...(readDb === undefined ? {} : { readDb }),
    ...(onRecoveryProgress === undefined ? {} : { onRecoveryProgress }),
  });
  const alertService = await AlertService.open({
    dataDir,
    core,
    logger: gatewayOptions.logger ?? { info() {}, warn() {}, error() {} },
    ...(sandbox === undefined ? {} : { exchangeClock: () => sandbox.clock.now() }),
    ...alertDelivery,
  });
  if (shared === undefined) ensurePrivateFile(join(dataDir, AUTH_DB));
  const authStore = shared ?? new AuthStore(join(dataDir, AUTH_DB));
  ensurePrivateFile(join(dataDir, NEWS_DB));
  const news = await NewsStore.open({ kind: 'sqlite', path: join(dataDir, NEWS_DB) });
  // The Kalshi-compatible Trade API v2 shares the port: /trade-api/v2 and /trade-api/ws/v2.
  const gateway = createGateway({
    core,
    authStore,
    news,
    extensions: [kalshiExtension()],
    replayLogDir: join(dataDir, REPLAY_DIR),
    ...(tracing === undefined ? {} : { tracer: tracing.tracer }),
    alerts: alertService,
    ...gatewayOptions,
  });
  sandbox?.attach({ nextDueTs: () => core.nextDueTs(), tick: () => core.submit({ type: 'tick' }) });
  registerDiskMetrics(gateway.metricsRegistry, dataDir);
  await gateway.ready;
  return {
    core,
    authStore,
    news,
    gateway,
    async close() {
      await gateway.close();
      // Deliveries in flight finish first, so a clean stop sends none of them twice.
      await alertService.close();
      await core.close();
      if (shared === undefined) await authStore.close();
      await news.close();
      await tracing?.shutdown();
    },
  };
}
