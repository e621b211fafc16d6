// The gateway factory: wires the exchange core's event stream into market data and private channels,
// builds the REST pipeline and the WebSocket endpoint on one `node:http` server, and returns it without
// listening, so tests and the CLI decide where it binds. `close()` stops sockets and the subscription;
// the core and the auth store belong to the caller.

import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { MarketDataHub, type MarketMessage } from '@bourse/marketdata';
import {
  type AppliedCommand,
  EventLoopDelaySampler,
  type ExchangeCore,
  GcSampler,
} from '@bourse/core';
import type { AlertService } from '@bourse/alerts';
import type { NewsStore } from '@bourse/news';
import type { Tracer } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import { accountRoutes } from './api/account-routes.ts';
import { adminRoutes } from './api/admin-routes.ts';
import { alertRoutes } from './api/alert-routes.ts';
import { surveillanceRoutes } from './api/surveillance-routes.ts';
import { newsRoutes } from './api/news-routes.ts';
import { historyRoutes } from './api/history-routes.ts';
import { GatewayServices } from './api/gateway-services.ts';
import { marketRoutes } from './api/market-routes.ts';
import { orderGroupRoutes } from './api/order-group-routes.ts';
import { orderRoutes } from './api/order-routes.ts';
import { performanceRoutes } from './api/performance-routes.ts';
import { portfolioRoutes } from './api/portfolio-routes.ts';
import { reportRoutes } from './api/report-routes.ts';
import type { RouteDef } from './api/route-def.ts';
import { passwordRoutes } from './api/password-routes.ts';
import { preferenceRoutes } from './api/preference-routes.ts';
import { sessionRoutes } from './api/session-routes.ts';
import { tokenRoutes } from './api/token-routes.ts';
import type { Sandbox } from './sandbox/sandbox.ts';
import { sandboxRouteTable } from './sandbox/sandbox-routes.ts';
import type { AuthStore } from './auth/auth-store.ts';
import { type AuthPeers, Authenticator } from './auth/authenticator.ts';
import { LoginThrottle, type LoginThrottleOptions } from './auth/login-throttle.ts';
import type { Role } from './auth/roles.ts';
import { TokenBuckets } from './auth/token-bucket.ts';
import { ApiError } from './error-catalogue.ts';
import {
  checkHttpLimits,
  DEFAULT_HTTP_LIMITS,
  type HttpLimits,
  installConnectionLimits,
  serverOptions,
} from './http/connection-limits.ts';
import {
  compileRoute,
  type CompiledRoute,
  HttpPipeline,
  type RateLimits,
} from './http/http-pipeline.ts';
import { sendJson } from './http/request-io.ts';
import { Router } from './http/router.ts';
import { EventStream } from './event-stream.ts';
import { createMetricsRegistry } from './ops/metrics-registry.ts';
import { OrderTracing } from './ops/order-tracing.ts';
import { type OpsPagesDeps, serveOpsPage } from './ops/ops-pages.ts';
import { docsPage } from './openapi/docs-page.ts';
import { openApiDocument } from './openapi/openapi-document.ts';
import { createGatewayMetrics } from './ops/gateway-metrics.ts';
import { type Logger, silentLogger } from './ops/logger.ts';
import { DEFAULT_WEB_DIR } from './ops/static-files.ts';
import { PrivateFeed } from './ws/private-feed.ts';
import { DEFAULT_WS_OPTIONS, WS_PATH, WsGateway, type WsOptions } from './ws/ws-gateway.ts';

export const API_VERSION = '1.0.0';

export const DEFAULT_RATE_LIMITS: RateLimits = {
  perIp: { capacity: 2_000, refillPerSecond: 1_000 },
  perKey: { capacity: 200, refillPerSecond: 100 },
  marketMakerMultiplier: 20,
};

/** What an extension (another API surface on the same port) gets to work with. */
export interface GatewayExtensionDeps {
  readonly services: GatewayServices;
  readonly buckets: TokenBuckets;
  readonly limits: RateLimits;
  /** The native route table, so an adapter can run the same handlers. */
  readonly routes: readonly RouteDef[];
}

/** A running extension: HTTP under its prefix, optional WebSocket paths and event hooks. */
export interface GatewayMount {
  handle(req: IncomingMessage, res: ServerResponse, path: string, search: string): unknown;
  /** Takes the upgrade and returns true when `path` is one of its sockets. */
  handleUpgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, path: string): boolean;
  /** Every durable applied batch, after the native market data saw it. */
  onBatch?(batch: readonly AppliedCommand[]): void;
  /** Once per turn with the native market-data messages of that turn. */
  onFlush?(messages: readonly MarketMessage[]): void;
  close?(): Promise<void>;
}

/** Another API surface served by the same process (for example the Kalshi-compatible API). */
export interface GatewayExtension {
  /** Requests whose path starts with this prefix (and upgrades under it) go to the mount. */
  readonly prefix: string;
  create(deps: GatewayExtensionDeps): GatewayMount;
}

export interface GatewayOptions {
  readonly core: ExchangeCore;
  readonly authStore: AuthStore;
  readonly clock?: () => number;
  readonly logger?: Logger;
  /** Signed-request timestamps may differ from the server clock by this much (default 30 s). */
  readonly timestampWindowMs?: number;
  /**
   * A directory (in the data directory) where used signatures are kept for the window, so a restart
   * does not let a captured request be sent again; memory only when absent.
   */
  readonly replayLogDir?: string;
  readonly rateLimits?: RateLimits;
  /** Login backoff and the bound on password checks (defaults: DEFAULT_LOGIN_THROTTLE). */
  readonly loginThrottle?: Partial<LoginThrottleOptions>;
  readonly ws?: Partial<WsOptions>;
  /** Timeouts and the per-address connection cap of the HTTP server (connection-limits.ts). */
  readonly http?: Partial<HttpLimits>;
  /**
   * Serve HTTPS with this certificate chain and private key (PEM) instead of plain HTTP; WebSockets
   * then use wss. Without it, terminate TLS in front (docs/tls.md).
   */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** The built web UI served at `/` (default: apps/web/dist of this checkout). */
  readonly webDir?: string;
  /** Other API surfaces on the same port (for example the Kalshi-compatible API). */
  readonly extensions?: readonly GatewayExtension[];
  /** How long a history read waits for the read models to catch up (default 5 s), then 503. */
  readonly historyWaitMs?: number;
  /** Check every REST response against its route's response schema, a drift answering 500 (tests). */
  readonly checkResponses?: boolean;
  /** The other gateways of a cluster, told of credential changes made here (see Authenticator). */
  readonly authPeers?: AuthPeers;
  /** Lets people sign themselves up, with this role (the operator's policy); off when absent. */
  readonly signupRole?: Role;
  /**
   * OpenTelemetry tracer for the order path (gateway → core → engine → durable → ack); give the core
   * `recordTimings` too for its stages. Absent (the default): no spans, and no cost.
   */
  readonly tracer?: Tracer;
  /** More Prometheus text appended to /metrics (a cluster gateway adds the cluster's figures). */
  readonly extraMetrics?: () => string;
  /** Feeds and news items beside markets (the caller opens and closes it); no news when absent. */
  readonly news?: NewsStore;
  /** The cluster's status served on `/cluster-status` (a cluster gateway); "single-process" otherwise. */
  readonly clusterStatus?: () => Promise<object>;
  /**
   * A sandbox (`serve --sandbox`, docs/sandbox.md): its control plane under /api/v1/sandbox, and its
   * clock as the exchange's time. Absent (every production exchange): those paths answer
   * SANDBOX_DISABLED.
   */
  readonly sandbox?: Sandbox;
  /** Users' alerts (routes under /api/v1/alerts, the `notifications` socket channel). */
  readonly alerts?: AlertService;
}

export interface Gateway {
  readonly server: Server;
  readonly services: GatewayServices;
  /** The prom-client registry behind `/metrics`; the composition root adds its own families to it. */
  readonly metricsRegistry: Registry;
  readonly routes: readonly RouteDef[];
  /** The /api/v1/sandbox routes mounted: the sandbox's, or (not a sandbox) their refusals. */
  readonly sandboxRoutes: readonly RouteDef[];
  /** Resolves when market data is loaded from the core (the server answers /readyz with 200 after). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export const ALL_ROUTES: readonly RouteDef[] = [
  ...marketRoutes,
  ...orderRoutes,
  ...orderGroupRoutes,
  ...portfolioRoutes,
  ...performanceRoutes,
  ...accountRoutes,
  ...tokenRoutes,
  ...sessionRoutes,
  ...passwordRoutes,
  ...preferenceRoutes,
  ...adminRoutes,
  ...surveillanceRoutes,
  ...newsRoutes,
  ...reportRoutes,
  ...historyRoutes,
  ...alertRoutes,
];

/** The services every route and socket works with: the core, auth, market data, clock and metrics. */
function createServices(options: GatewayOptions): GatewayServices {
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const authenticator = new Authenticator(options.authStore, clock, {
    timestampWindowMs: options.timestampWindowMs ?? 30_000,
    replayLogDir: options.replayLogDir,
    onReplayLogError: (error) =>
      logger.error('used signatures cannot be written; kept in memory only until a restart', {
        error,
      }),
    peers: options.authPeers,
  });
  return new GatewayServices({
    core: options.core,
    auth: options.authStore,
    authenticator,
    loginThrottle: new LoginThrottle(options.loginThrottle),
    hub: new MarketDataHub(),
    clock,
    logger,
    metrics: createGatewayMetrics(),
    historyWaitMs: options.historyWaitMs ?? 5_000,
    signupRole: options.signupRole,
    tracing: options.tracer === undefined ? undefined : new OrderTracing(options.tracer),
    faults: options.sandbox?.faults,
    sandbox: options.sandbox,
    alerts: options.alerts,
    news: options.news,
  });
}

/** node:http, or node:https with the given certificate (HTML pages then carry HSTS). */
function createHttpServer(
  tls: GatewayOptions['tls'],
  options: ServerOptions,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Server {
  if (tls === undefined) return createServer(options, handler);
  return createHttpsServer({ ...options, ...tls }, handler) as unknown as Server;
}

export function createGateway(options: GatewayOptions): Gateway {
  const services = createServices(options);
  const { logger, metrics, authenticator } = services;
  const loopDelay = new EventLoopDelaySampler(metrics.eventLoopDelaySeconds);
  loopDelay.start();
  const gcSampler = new GcSampler(metrics.gc);
  gcSampler.start();
  const limits = options.rateLimits ?? DEFAULT_RATE_LIMITS;
  const buckets = new TokenBuckets();
  const router = new Router<CompiledRoute>();
  const sandboxRoutes = sandboxRouteTable(options.sandbox !== undefined);
  for (const def of [...ALL_ROUTES, ...sandboxRoutes])
    router.add(def.method, def.path, compileRoute(def, options.checkResponses));
  const pipeline = new HttpPipeline(router, services, buckets, limits);
  const ws = new WsGateway(services, { ...DEFAULT_WS_OPTIONS, ...options.ws }, buckets, limits);
  const mounts = (options.extensions ?? []).map((e) => ({
    prefix: e.prefix,
    mount: e.create({ services, buckets, limits, routes: ALL_ROUTES }),
  }));
  services.newsListener = (items) => ws.deliverNews(items);
  const feed = new PrivateFeed((accountId) => ws.wantsAccount(accountId));
  const stopAlerts = options.alerts?.onNotification((accountId, n) =>
    ws.deliverPrivate([{ accountId, channel: 'notifications', items: [n] }]),
  );
  const stream = new EventStream(options.core, services, feed, {
    flush(messages, updates) {
      ws.broadcast(messages);
      ws.deliverPrivate(updates);
      for (const m of mounts) m.mount.onFlush?.(messages);
    },
    batch(batch) {
      for (const m of mounts) m.mount.onBatch?.(batch);
    },
  });
  stream.ready.catch((error: unknown) =>
    logger.error('gateway failed to load market data', { error }),
  );
  // A production exchange documents no sandbox endpoint: it only refuses them.
  const doc = openApiDocument(
    options.sandbox === undefined ? ALL_ROUTES : [...ALL_ROUTES, ...sandboxRoutes],
    API_VERSION,
  );
  const pages: OpsPagesDeps = {
    registry: createMetricsRegistry({
      core: options.core,
      gateway: metrics,
      wsConnections: () => ws.connections,
    }),
    core: options.core,
    metrics,
    isReady: () => stream.isReady,
    wsConnections: () => ws.connections,
    openApiJson: JSON.stringify(doc),
    docsHtml: docsPage(doc),
    webDir: options.webDir ?? DEFAULT_WEB_DIR,
    extraMetrics: options.extraMetrics,
    clusterStatus: options.clusterStatus,
  };

  const httpLimits = checkHttpLimits({ ...DEFAULT_HTTP_LIMITS, ...options.http });
  const server = createHttpServer(options.tls, serverOptions(httpLimits), (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const search = q === -1 ? '' : url.slice(q + 1);
    const mounted = path.startsWith('/api/')
      ? undefined
      : mounts.find((m) => path.startsWith(m.prefix));
    if (!path.startsWith('/api/') && mounted === undefined)
      return serveOpsPage(pages, req, res, path);
    if (!stream.isReady) {
      sendJson(res, 503, new ApiError('NOT_READY').body(), { 'retry-after': '1' });
      return;
    }
    if (mounted === undefined) void pipeline.handle(req, res, path, search);
    else void answerUnserved(mounted.mount.handle(req, res, path, search), res);
  });
  const connections = installConnectionLimits(server, httpLimits, metrics);
  server.on('upgrade', (req, socket, head) => {
    connections.release(socket);
    const path = (req.url ?? '').split('?')[0] ?? '';
    const mounted = mounts.find((m) => path.startsWith(m.prefix));
    if (stream.isReady && mounted?.mount.handleUpgrade?.(req, socket, head, path) === true) return;
    if (path !== WS_PATH || !stream.isReady) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    ws.handleUpgrade(req, socket, head);
  });

  return {
    server,
    services,
    metricsRegistry: pages.registry,
    routes: ALL_ROUTES,
    sandboxRoutes,
    ready: stream.ready,
    async close() {
      loopDelay.stop();
      gcSampler.stop();
      stream.close();
      stopAlerts?.();
      for (const m of mounts) await m.mount.close?.();
      await ws.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      authenticator.close();
    },
  };
}

/**
 * A mount that resolves `false` did not answer: the path is under its prefix but not one of its
 * endpoints. Every request gets an answer, so the gateway sends the 404 itself.
 */
async function answerUnserved(handled: unknown, res: ServerResponse): Promise<void> {
  let code: 'ROUTE_NOT_FOUND' | 'INTERNAL' = 'ROUTE_NOT_FOUND';
  try {
    if ((await handled) !== false) return;
  } catch {
    code = 'INTERNAL';
  }
  if (res.headersSent || res.writableEnded) return;
  sendJson(res, new ApiError(code).status, new ApiError(code).body());
}
