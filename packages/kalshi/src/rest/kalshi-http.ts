// The REST pipeline of the Kalshi-compatible API, in the native pipeline's order: route match, per-IP
// rate limit, Kalshi-signed authentication (the native authenticator, with the path as the client
// signed it, `/trade-api/v2/...`), scope check, the key's Kalshi read or write bucket sized by the
// member's tier (`rate-tiers.ts`), handler, JSON response. Every failure is rendered as Kalshi's
// error body.

import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type BucketConfig,
  clientIp,
  limitKey,
  type Principal,
  readJsonBody,
  sendJson,
} from '@bourse/gateway';
import { KalshiError, toKalshiError } from '../kalshi-error.ts';
import { accountEndpoints } from './account-endpoints.ts';
import { apiKeyEndpoints } from './api-key-endpoints.ts';
import {
  type KalshiContext,
  type KalshiDeps,
  type KalshiRoute,
  KalshiRouter,
  nativeScope,
} from './kalshi-route.ts';
import { legacyOrderEndpoints } from './legacy-order-endpoints.ts';
import type { MarketDirectory } from './market-directory.ts';
import { marketEndpoints } from './market-endpoints.ts';
import { orderEndpointsV2 } from './order-endpoints.ts';
import { portfolioEndpoints } from './portfolio-endpoints.ts';
import { DEFAULT_COST, type KalshiRates } from './rate-tiers.ts';
import { orderGroupEndpoints } from './order-group-endpoints.ts';
import { restingOrderEndpoints } from './resting-order-endpoints.ts';

export const REST_PREFIX = '/trade-api/v2';

export const KALSHI_ROUTES: readonly KalshiRoute[] = [
  ...marketEndpoints,
  ...portfolioEndpoints,
  ...restingOrderEndpoints,
  ...orderGroupEndpoints,
  ...orderEndpointsV2,
  ...legacyOrderEndpoints,
  ...apiKeyEndpoints,
  ...accountEndpoints,
];

export class KalshiHttp {
  readonly #deps: KalshiDeps;
  readonly #directory: MarketDirectory;
  readonly #router = new KalshiRouter();
  readonly #rates: KalshiRates;

  constructor(deps: KalshiDeps, directory: MarketDirectory, rates: KalshiRates) {
    this.#deps = deps;
    this.#rates = rates;
    this.#directory = directory;
    for (const r of KALSHI_ROUTES) this.#router.add(r);
  }

  /** Serves one request whose path starts with `/trade-api/v2`; resolves when answered. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string, search: string) {
    const s = this.#deps.services;
    s.metrics.httpRequests++;
    try {
      const method = req.method ?? 'GET';
      const match = this.#router.match(method, path.slice(REST_PREFIX.length) || '/');
      if (match === undefined) throw new KalshiError('not_found', 'No such endpoint.');
      if (match === 'method') {
        throw new KalshiError('invalid_parameters', 'This endpoint does not accept that method.');
      }
      const route = match.route;
      this.#take(`ip:${clientIp(req)}`, this.#deps.limits.perIp, 1);
      const principal =
        route.auth === 'public' ? undefined : await this.#authorise(req, path, route);
      const body = method === 'GET' ? undefined : await readJsonBody(req);
      if (principal !== undefined) this.#spend(principal, route, body);
      const ctx: KalshiContext = {
        params: match.params,
        query: kalshiQuery(search),
        body,
        principal,
        services: s,
        directory: this.#directory,
        rates: this.#rates,
        req,
        res,
        status: 200,
      };
      const result = await route.handler(ctx);
      if (ctx.status === 204) {
        res.writeHead(204, { 'cache-control': 'no-store' });
        res.end();
      } else sendJson(res, ctx.status, result);
    } catch (error) {
      this.#fail(res, error);
    }
  }

  /** Answers a path under the adapter's prefix that is no endpoint (another version, a typo). */
  notFound(res: ServerResponse): void {
    this.#deps.services.metrics.httpRequests++;
    this.#fail(res, new KalshiError('not_found', 'No such endpoint.'));
  }

  async #authorise(req: IncomingMessage, path: string, route: KalshiRoute): Promise<Principal> {
    const principal = await this.#deps.services.authenticator.authenticateRequest(
      req.method ?? 'GET',
      path,
      req.headers,
    );
    if (principal === undefined) {
      throw new KalshiError('unauthorized', 'Send KALSHI-ACCESS-KEY, -TIMESTAMP and -SIGNATURE.');
    }
    if (route.auth === 'public') return principal;
    if (!principal.scopes.has(nativeScope(route.auth))) {
      throw new KalshiError('forbidden', `This endpoint needs the ${route.auth} scope.`);
    }
    return principal;
  }

  /** Spends the request's tokens from the key's read or write bucket (Kalshi's tiers). */
  #spend(principal: Principal, route: KalshiRoute, body: unknown): void {
    const limits = this.#rates.limitsOf(principal);
    const write = route.auth === 'write';
    const config = write ? limits.write : limits.read;
    const cost = route.cost?.(body) ?? DEFAULT_COST;
    if (cost > config.capacity) {
      throw new KalshiError(
        'invalid_parameters',
        `This request costs ${cost} tokens; the ${limits.tier} tier's ${write ? 'write' : 'read'} bucket holds ${config.capacity}.`,
      );
    }
    this.#take(`${limitKey(principal)}:kalshi-${write ? 'write' : 'read'}`, config, cost);
  }

  #take(key: string, config: BucketConfig, cost: number): void {
    const s = this.#deps.services;
    const r = this.#deps.buckets.take(key, config, s.clock(), cost);
    if (!r.ok) {
      s.metrics.rateLimited++;
      throw new KalshiError('rate_limited', 'Too many requests.', {
        retryAfter: r.retryAfterSeconds,
      });
    }
  }

  #fail(res: ServerResponse, error: unknown): void {
    const s = this.#deps.services;
    s.metrics.httpErrors++;
    const e = toKalshiError(error);
    if (e.status >= 500) s.logger.error('kalshi request failed', { error });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const headers: Record<string, string> =
      e.retryAfter === undefined ? {} : { 'retry-after': String(e.retryAfter) };
    sendJson(res, e.status, e.body(), headers);
  }
}

/** Query string → object; a repeated key (how the SDK sends arrays) becomes one comma list. */
export function kalshiQuery(search: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (search === '') return out;
  const params = new URLSearchParams(search);
  for (const key of new Set(params.keys())) out[key] = params.getAll(key).join(',');
  return out;
}
