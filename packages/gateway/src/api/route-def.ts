// The shape every REST endpoint is declared in: method, path, who may call it, the JSON schemas of its
// query and body (validated before the handler runs, and published in the OpenAPI document) and the
// handler. Handlers return the response body or throw an ApiError.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TSchema } from '@sinclair/typebox';
import type { Principal, Scope } from '../auth/roles.ts';
import type { GatewayServices } from './gateway-services.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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

export interface RouteDef {
  readonly method: HttpMethod;
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** `public` needs no authentication; otherwise the scope the caller must hold. */
  readonly auth: 'public' | Scope;
  readonly body?: TSchema;
  readonly query?: TSchema;
  readonly response?: TSchema;
  /** Only a request signed with an API key may call it (documented; the handler enforces it). */
  readonly signedOnly?: boolean;
  /** Answers 201 Created on success (documented as such). */
  readonly created?: boolean;
  /** Rate-limit cost in tokens (batch endpoints cost more). */
  readonly cost?: (body: unknown) => number;
  // biome-ignore lint/suspicious/noExplicitAny: each route narrows its own body and query types.
  readonly handler: (ctx: RequestContext<any, any>) => unknown;
}
