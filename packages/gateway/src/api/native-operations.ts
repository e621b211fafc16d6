// The native routes another API surface in the same process may run, by name and typed from their
// schemas: the Kalshi adapter places, amends and cancels orders, manages order groups and API keys
// and reads positions through these, so every business rule and check of the native API runs once.
// A body given here is typed, not validated again: the adapter checked and translated it already.

import { runAsActor } from './acting-user.ts';
import { accountOperations } from './account-routes.ts';
import { orderGroupOperations } from './order-group-routes.ts';
import { orderOperations } from './order-routes.ts';
import { portfolioOperations } from './portfolio-routes.ts';
import type { BodyOf, QueryOf, RequestContext, ResponseOf, RouteDef } from './route-def.ts';
import type { TSchema } from '@sinclair/typebox';

export const nativeOperations = {
  orders: orderOperations,
  orderGroups: orderGroupOperations,
  portfolio: portfolioOperations,
  account: accountOperations,
} as const;

/** What one run needs besides the route: the caller and the request it came in on. */
export type NativeCaller = Pick<RequestContext, 'principal' | 'services' | 'req' | 'res'>;

/** The path parameters, body and query of one run, typed by the route's schemas. */
export interface NativeInput<B extends TSchema | undefined, Q extends TSchema | undefined> {
  readonly params?: Record<string, string>;
  readonly body?: BodyOf<B>;
  readonly query?: QueryOf<Q>;
}

/** Runs a native route's handler for `caller`, answering what the handler answers. */
export async function runNative<
  B extends TSchema | undefined,
  Q extends TSchema | undefined,
  R extends TSchema | undefined,
  A extends ResponseOf<R>,
>(route: RouteDef<B, Q, R, A>, caller: NativeCaller, input: NativeInput<B, Q>): Promise<A> {
  const run = () =>
    route.handler({
      params: input.params ?? {},
      query: (input.query ?? {}) as QueryOf<Q>,
      body: input.body as BodyOf<B>,
      principal: caller.principal,
      services: caller.services,
      req: caller.req,
      res: caller.res,
      status: 200,
    });
  const admin = route.auth === 'admin' && caller.principal !== undefined;
  return await (admin ? runAsActor(caller.principal!.userId, run) : run());
}
