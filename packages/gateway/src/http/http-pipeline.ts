// The REST request pipeline, in order: route match, per-IP rate limit, authentication, scope check,
// per-key (or per-user) rate limit, body and query validation, handler, JSON response. Every failure is
// an ApiError rendered from the catalogue; nothing reaches the exchange core before every check passed.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLEAR_SESSION_COOKIE, SessionEndedError } from '../auth/authenticator.ts';
import { HEADER_BODY_SHA256 } from '../auth/request-signature.ts';
import type { BucketConfig, TokenBuckets } from '../auth/token-bucket.ts';
import type { Principal } from '../auth/roles.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayServices } from '../api/gateway-services.ts';
import { runAsActor } from '../api/acting-user.ts';
import { FileDownload, type RequestContext, type RouteDef } from '../api/route-def.ts';
import { MAX_BODY_BYTES, parseQuery, readJsonBody, sendJson, sendText } from './request-io.ts';
import type { Router } from './router.ts';
import { InjectedServerError, injectBefore, injectedErrorBody } from '../sandbox/http-faults.ts';
import {
  bodyValidator,
  queryValidator,
  responseValidator,
  type Validator,
} from './schema-validator.ts';

export interface RateLimits {
  /** Every request from one client address. */
  readonly perIp: BucketConfig;
  /** Every authenticated request of one API key (or one web session's user). */
  readonly perKey: BucketConfig;
  /** Market makers quote a lot: their per-key bucket is this many times larger. */
  readonly marketMakerMultiplier: number;
}

export interface CompiledRoute {
  readonly def: RouteDef;
  readonly body: Validator | undefined;
  readonly query: Validator | undefined;
  /** Present when responses are checked against the route's response schema. */
  readonly response: Validator | undefined;
}

export function compileRoute(def: RouteDef, checkResponses = false): CompiledRoute {
  return {
    def,
    body: def.body === undefined ? undefined : bodyValidator(def.body),
    query: def.query === undefined ? undefined : queryValidator(def.query),
    response:
      checkResponses && def.response !== undefined
        ? responseValidator(def.response, `${def.method} ${def.path}`)
        : undefined,
  };
}

export function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * The body digest the client sent; the authenticator made a signed request's signature cover it (and
 * refused a malformed one), so the body read must match it. Unsigned, it is still the client's claim.
 */
function signedBodySha256(req: IncomingMessage): string | undefined {
  const digest = req.headers[HEADER_BODY_SHA256];
  return typeof digest === 'string' ? digest : undefined;
}

export function limitKey(p: Principal): string {
  return p.keyId === undefined ? `user:${p.userId}` : `key:${p.keyId}`;
}

export class HttpPipeline {
  readonly #router: Router<CompiledRoute>;
  readonly #services: GatewayServices;
  readonly #buckets: TokenBuckets;
  readonly #limits: RateLimits;
  readonly #mmLimit: BucketConfig;

  constructor(
    router: Router<CompiledRoute>,
    services: GatewayServices,
    buckets: TokenBuckets,
    limits: RateLimits,
  ) {
    this.#router = router;
    this.#services = services;
    this.#buckets = buckets;
    this.#limits = limits;
    this.#mmLimit = {
      capacity: limits.perKey.capacity * limits.marketMakerMultiplier,
      refillPerSecond: limits.perKey.refillPerSecond * limits.marketMakerMultiplier,
    };
  }

  /** Handles a request under /api; resolves when the response is written. */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    search: string,
  ): Promise<void> {
    const s = this.#services;
    s.metrics.httpRequests++;
    try {
      const match = this.#router.match(req.method ?? 'GET', path);
      if (match === undefined) throw new ApiError('ROUTE_NOT_FOUND');
      if (match === 'method') throw new ApiError('METHOD_NOT_ALLOWED');
      const route = match.route;
      this.#take(`ip:${clientIp(req)}`, this.#limits.perIp, 1);
      const principal =
        route.def.auth === 'public' ? undefined : await this.#authorise(req, path, route.def);
      const body =
        route.body === undefined
          ? undefined
          : await readJsonBody(req, MAX_BODY_BYTES, signedBodySha256(req));
      route.body?.(body);
      if (principal !== undefined) {
        const cost = route.def.cost?.(body) ?? 1;
        const config = principal.role === 'market-maker' ? this.#mmLimit : this.#limits.perKey;
        this.#take(limitKey(principal), config, cost);
      }
      const query: Record<string, unknown> = parseQuery(search);
      route.query?.(query);
      // Sandbox only: production gateways have no injector, so this is one undefined check.
      const fault =
        s.faults?.active === true && principal !== undefined
          ? await injectBefore(s.faults, principal.accountId, req.method ?? 'GET', path, s.clock)
          : undefined;
      const ctx: RequestContext = {
        params: match.params,
        query,
        body,
        principal,
        services: s,
        req,
        res,
        status: 200,
      };
      const result =
        route.def.auth === 'admin' && principal !== undefined
          ? await runAsActor(principal.userId, () => route.def.handler(ctx))
          : await route.def.handler(ctx);
      if (result instanceof FileDownload) {
        sendText(res, ctx.status, result.contentType, result.body, {
          'content-disposition': `attachment; filename="${result.filename}"`,
          'cache-control': 'no-store',
        });
        return;
      }
      route.response?.(result);
      if (fault !== undefined) {
        // The request ran; its answer is lost on the way back, as a proxy's 5xx would lose it.
        sendJson(res, fault.status, injectedErrorBody(fault.status));
        return;
      }
      sendJson(res, ctx.status, result);
    } catch (error) {
      this.#fail(res, error);
    }
  }

  async #authorise(req: IncomingMessage, path: string, def: RouteDef): Promise<Principal> {
    const principal = await this.#services.authenticator.authenticateRequest(
      req.method ?? 'GET',
      path,
      req.headers,
    );
    if (principal === undefined) throw new ApiError('UNAUTHENTICATED');
    if (def.auth !== 'public' && !principal.scopes.has(def.auth)) {
      throw new ApiError('FORBIDDEN', `This endpoint needs the ${def.auth} scope.`);
    }
    return principal;
  }

  #take(key: string, config: BucketConfig, cost: number): void {
    const r = this.#buckets.take(key, config, this.#services.clock(), cost);
    if (!r.ok) {
      this.#services.metrics.rateLimited++;
      throw new ApiError('RATE_LIMITED', undefined, { retryAfter: r.retryAfterSeconds });
    }
  }

  #fail(res: ServerResponse, error: unknown): void {
    const s = this.#services;
    s.metrics.httpErrors++;
    if (error instanceof InjectedServerError) {
      sendJson(res, error.status, injectedErrorBody(error.status));
      return;
    }
    const api = toApiError(error);
    if (api.status >= 500) s.logger.error('request failed', { error });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const headers: Record<string, string> = {};
    if (api.retryAfter !== undefined) headers['retry-after'] = String(api.retryAfter);
    if (error instanceof SessionEndedError) headers['set-cookie'] = CLEAR_SESSION_COOKIE;
    sendJson(res, api.status, api.body(), headers);
  }
}

/** Any thrown value as an ApiError: core shutdown/failure → NOT_READY, the rest → INTERNAL. */
/**
 * The one answer to every command an overloaded core refused: the same for each, so refusing costs
 * no Error (and no stack trace) per command, when a server can least afford one.
 */
const OVERLOADED_ANSWER = new ApiError('OVERLOADED', undefined, { retryAfter: 1 });

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'OVERLOADED') return OVERLOADED_ANSWER;
  // A full disk (the journal's stall, or a file the request itself writes): try again later.
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new ApiError('NOT_READY', undefined, { retryAfter: 5 });
  }
  if (
    code === 'CORE_CLOSED' ||
    code === 'CORE_FAILED' ||
    code === 'UNAVAILABLE' ||
    code === 'ENGINE_FAILED' ||
    code === 'JOURNAL_FAILED' ||
    code === 'JOURNAL_STALLED'
  ) {
    return new ApiError('NOT_READY', undefined, { retryAfter: 5 });
  }
  return new ApiError('INTERNAL');
}
