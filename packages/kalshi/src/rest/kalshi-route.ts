// How a Kalshi REST endpoint is declared: method, path under `/trade-api/v2` (`:name` segments are
// parameters), who may call it, and a handler that returns the JSON body or throws a KalshiError.
// Kalshi's scopes are `read` and `write`; they are the native `read` and `trade` scopes. API key
// management needs the native `credentials` scope, as on the native API.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayExtensionDeps, GatewayServices, Principal, Scope } from '@bourse/gateway';
import { KalshiError } from '../kalshi-error.ts';
import type { MarketDirectory } from './market-directory.ts';
import type { KalshiRates } from './rate-tiers.ts';

export type KalshiAuth = 'public' | 'read' | 'write' | 'credentials';

/** The native scope a Kalshi endpoint's `auth` asks for. */
export function nativeScope(auth: Exclude<KalshiAuth, 'public'>): Scope {
  return auth === 'write' ? 'trade' : auth;
}

export interface KalshiContext {
  readonly params: Record<string, string>;
  readonly query: Record<string, string>;
  readonly body: unknown;
  readonly principal: Principal | undefined;
  readonly services: GatewayServices;
  readonly directory: MarketDirectory;
  readonly rates: KalshiRates;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Set by the handler to answer with another status than 200 (204 sends no body). */
  status: number;
}

export interface KalshiRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly auth: KalshiAuth;
  /** Rate-limit cost in tokens (default `DEFAULT_COST`; batches cost per item). */
  readonly cost?: (body: unknown) => number;
  readonly handler: (ctx: KalshiContext) => unknown;
}

/** What the adapter is built from: the gateway's services, token buckets, limits and route table. */
export type KalshiDeps = GatewayExtensionDeps;

/** The caller, or 401 on a private endpoint reached without one. */
export function member(ctx: KalshiContext): Principal {
  if (ctx.principal === undefined) throw new KalshiError('unauthorized', 'Sign the request.');
  return ctx.principal;
}

interface Compiled {
  readonly route: KalshiRoute;
  readonly parts: readonly string[];
}

/** Matches `/a/:b/c` patterns; literal segments win over parameters at the same position. */
export class KalshiRouter {
  readonly #routes: Compiled[] = [];

  add(route: KalshiRoute): void {
    this.#routes.push({ route, parts: route.path.split('/').filter((p) => p !== '') });
    // Fewer parameters first, so `/markets/trades` is tried before `/markets/:ticker`.
    this.#routes.sort((a, b) => paramCount(a.parts) - paramCount(b.parts));
  }

  match(
    method: string,
    path: string,
  ): { route: KalshiRoute; params: Record<string, string> } | 'method' | undefined {
    const segs = path.split('/').filter((p) => p !== '');
    let pathMatched = false;
    for (const c of this.#routes) {
      const params = matchParts(c.parts, segs);
      if (params === undefined) continue;
      if (c.route.method === method) return { route: c.route, params };
      pathMatched = true;
    }
    return pathMatched ? 'method' : undefined;
  }
}

function paramCount(parts: readonly string[]): number {
  return parts.filter((p) => p.startsWith(':')).length;
}

function matchParts(parts: readonly string[], segs: readonly string[]) {
  if (parts.length !== segs.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const s = segs[i]!;
    if (p.startsWith(':')) {
      try {
        params[p.slice(1)] = decodeURIComponent(s);
      } catch {
        return undefined;
      }
    } else if (p !== s) return undefined;
  }
  return params;
}
