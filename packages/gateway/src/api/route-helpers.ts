// Small pieces every route module uses: the caller's principal, numeric path ids, and errors from the
// read models (bad cursor or limit) turned into catalogue codes.

import type { Principal } from '../auth/roles.ts';
import { ApiError } from '../error-catalogue.ts';
import type { RequestContext } from './route-def.ts';

export function caller(ctx: Pick<RequestContext, 'principal'>): Principal {
  if (ctx.principal === undefined) throw new ApiError('UNAUTHENTICATED');
  return ctx.principal;
}

/** A positive safe integer path parameter, or a 404 with `code`. */
export function idParam(
  ctx: Pick<RequestContext, 'params'>,
  name: string,
  code: 'ORDER_NOT_FOUND' | 'USER_NOT_FOUND' | 'NOT_FOUND',
): number {
  const raw = ctx.params[name] ?? '';
  const id = /^[0-9]{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw new ApiError(code, `No such ${name} ${raw}.`);
  return id;
}

/** Runs a read-model query, mapping its InvalidQueryError to INVALID_CURSOR / VALIDATION_FAILED. */
export async function readModel<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if ((error as Error).name === 'InvalidQueryError') {
      if (code === 'INVALID_CURSOR') throw new ApiError('INVALID_CURSOR');
      // A query's own rule (a date that does not exist) names the field in its message.
      const message = code === 'INVALID_QUERY' ? (error as Error).message : undefined;
      throw new ApiError('VALIDATION_FAILED', message);
    }
    throw error;
  }
}

/** `T` with the members that may be undefined made optional instead. */
export type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Drops undefined members, for option objects under `exactOptionalPropertyTypes`. */
export function defined<T extends Record<string, unknown>>(o: T): Defined<T> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) if (o[k] !== undefined) out[k] = o[k];
  return out as Defined<T>;
}
