// The non-API pages: health, readiness, Prometheus metrics, the OpenAPI document and its HTML
// rendering, the built web UI (when present) and otherwise the landing page. HTML pages carry the
// browser security headers (`security-headers.ts`).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ExchangeCore, processTimeline } from '@bourse/core';
import { ApiError } from '../error-catalogue.ts';
import { coreHealth, healthBody } from './core-health.ts';
import { sendJson, sendText } from '../http/request-io.ts';
import { htmlSecurityHeaders, STATIC_PAGE_CSP } from './security-headers.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import type { createMetricsRegistry } from './metrics-registry.ts';
import { landingPage } from './landing-page.ts';
import { serveWebApp } from './static-files.ts';

export interface OpsPagesDeps {
  /** prom-client's registry of the core's and the gateway's figures (`createMetricsRegistry`). */
  readonly registry: ReturnType<typeof createMetricsRegistry>;
  readonly core: ExchangeCore;
  readonly metrics: GatewayMetrics;
  readonly isReady: () => boolean;
  readonly wsConnections: () => number;
  readonly openApiJson: string;
  readonly docsHtml: string;
  readonly webDir: string;
  /** More Prometheus text for /metrics (a cluster gateway's view of the cluster). */
  readonly extraMetrics?: (() => string) | undefined;
  /** The cluster's status for `/cluster-status` (a cluster gateway); absent on one server. */
  readonly clusterStatus?: (() => Promise<object>) | undefined;
}

const HTML = 'text/html; charset=utf-8';

export function serveOpsPage(
  d: OpsPagesDeps,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendJson(res, 405, new ApiError('METHOD_NOT_ALLOWED').body());
    return;
  }
  switch (path) {
    case '/healthz': {
      // Not `ok` while the journal cannot write (it recovers by itself once it can) or once the
      // core has stopped (restart the process): either way trading is refused meanwhile.
      const health = coreHealth(d.core);
      return sendJson(res, health.state === 'ok' ? 200 : 503, healthBody(health));
    }
    case '/readyz': {
      const health = coreHealth(d.core);
      const ok = d.isReady() && health.state === 'ok';
      const body = { ready: ok, durableSeq: d.core.durableSeq, ...healthBody(health) };
      return sendJson(res, ok ? 200 : 503, body);
    }
    case '/metrics':
      d.metrics.wsConnections = d.wsConnections();
      d.registry.metrics().then(
        (text) => sendText(res, 200, d.registry.contentType, text + (d.extraMetrics?.() ?? '')),
        () => sendJson(res, 500, new ApiError('INTERNAL').body()),
      );
      return;
    case '/timeline':
      return timeline(res, req.url ?? '');
    case '/cluster-status':
      if (d.clusterStatus === undefined) return sendJson(res, 200, { mode: 'single-process' });
      d.clusterStatus().then(
        (status) => sendJson(res, 200, { mode: 'cluster', ...status }),
        (error: unknown) =>
          sendJson(res, 503, { mode: 'cluster', error: `cluster status unavailable: ${error}` }),
      );
      return;
    case '/openapi.json':
      return sendText(res, 200, 'application/json', d.openApiJson);
    case '/docs':
      return sendText(res, 200, HTML, d.docsHtml, htmlSecurityHeaders(req, STATIC_PAGE_CSP));
    default:
      if (serveWebApp(req, res, path, d.webDir)) return;
      if (path === '/') {
        return sendText(res, 200, HTML, landingPage(), htmlSecurityHeaders(req, STATIC_PAGE_CSP));
      }
      return sendJson(res, 404, new ApiError('ROUTE_NOT_FOUND').body());
  }
}

/**
 * What this process's threads did per window of a run (`Timeline` in @bourse/core): `?start=MS`
 * starts a fresh recording in windows of MS ms (from `&at=` ms since the epoch, default now);
 * without it, the windows recorded so far.
 */
function timeline(res: ServerResponse, url: string): void {
  const query = new URL(url, 'http://localhost').searchParams;
  const start = query.get('start');
  if (start === null) return sendJson(res, 200, processTimeline.report());
  const windowMs = Number(start);
  const at = Number(query.get('at') ?? Date.now());
  if (!(windowMs >= 10 && windowMs <= 10_000) || !Number.isFinite(at)) {
    const error = new ApiError('VALIDATION_FAILED', 'start takes 10–10,000 ms, at ms since 1970');
    return sendJson(res, 400, error.body());
  }
  processTimeline.start(windowMs, at);
  sendJson(res, 200, { recording: true, windowMs });
}
