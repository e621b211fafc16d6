// The shape every REST endpoint is declared in: method, path, who may call it, the JSON schemas of its
// query, body and response (the first two validated before the handler runs, all three published in
// the OpenAPI document) and the handler. `route()` types the handler from the schemas: its body and
// query are what they validate to, and it must answer the declared response. Handlers return the
// response body or throw an ApiError.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Principal, Scope } from '../auth/roles.ts';
import type { GatewayServices } from './gateway-services.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A handler's answer sent as a file to save (a report): the body as given, with its media type and an
 * attachment name, instead of the JSON rendering of a returned value.
 */
export class FileDownload {
  readonly contentType: string;
  readonly filename: string;
  readonly body: string;

  constructor(contentType: string, filename: string, body: string) {
    // The name goes into a header: only what needs no quoting or escaping there.
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(filename)) throw new Error(`bad file name ${filename}`);
    this.contentType = contentType;
    this.filename = filename;
    this.body = body;
  }
}

export interface RequestContext<B = unknown, Q = Record<string, unknown>> {
  readonly params: Record<string, string>;
  readonly query: Q;
  readonly body: B;
  /** Present on every route that is not public. */
  readonly principal: Principal | undefined;
  readonly services: GatewayServices;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Set by the handler to answer with another status than 200. */
  status: number;
}

type Schema = TSchema | undefined;
/** What a body schema validates to (undefined for a route without a body). */
export type BodyOf<B extends Schema> = B extends TSchema ? Static<B> : undefined;
/** What a query schema validates to (the raw query for a route without a schema). */
export type QueryOf<Q extends Schema> = Q extends TSchema ? Static<Q> : Record<string, unknown>;
/** What a handler must answer: its response schema's type (anything without one). */
export type ResponseOf<R extends Schema> = R extends TSchema ? Answer<Static<R>> : unknown;
/** A response as handlers build it: the schema's type, read-only all the way down. */
type Answer<T> = T extends object ? { readonly [K in keyof T]: Answer<T[K]> } : T;

export interface RouteDef<
  B extends Schema = Schema,
  Q extends Schema = Schema,
  R extends Schema = Schema,
  A extends ResponseOf<R> = ResponseOf<R>,
> {
  readonly method: HttpMethod;
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** `public` needs no authentication; otherwise the scope the caller must hold. */
  readonly auth: 'public' | Scope;
  readonly body?: B;
  readonly query?: Q;
  readonly response?: R;
  /** Only a request signed with an API key may call it (documented; the handler enforces it). */
  readonly signedOnly?: boolean;
  /** Answers 201 Created on success (documented as such). */
  readonly created?: boolean;
  /** Rate-limit cost in tokens (batch endpoints cost more); called with the validated body. */
  cost?(body: BodyOf<B>): number;
  /** Answers `A`, which the response schema bounds: a caller in-process (the Kalshi adapter) sees it. */
  handler(ctx: RequestContext<BodyOf<B>, QueryOf<Q>>): A | Promise<A>;
}

/** Declares a route, typing its handler (and cost) from its body, query and response schemas. */
export function route<
  B extends Schema = undefined,
  Q extends Schema = undefined,
  R extends Schema = undefined,
  A extends ResponseOf<R> = ResponseOf<R>,
>(def: RouteDef<B, Q, R, A>): NoInfer<RouteDef<B, Q, R, A>> {
  return def;
}
