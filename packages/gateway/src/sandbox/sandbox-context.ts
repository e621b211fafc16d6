// What every sandbox endpoint needs from its request: the gateway's sandbox (or SANDBOX_DISABLED) and
// the admin's name for the event record.

import type { RequestContext } from '../api/route-def.ts';
import { caller } from '../api/route-helpers.ts';
import { ApiError } from '../error-catalogue.ts';
import type { Sandbox } from './sandbox.ts';

/** The sandbox of this gateway, or SANDBOX_DISABLED. */
export function sandboxOf(ctx: Pick<RequestContext, 'services'>): Sandbox {
  const sandbox = ctx.services.sandbox;
  if (sandbox === undefined) throw new ApiError('SANDBOX_DISABLED');
  return sandbox;
}

/** Who did it, for the event record. */
export function actorName(ctx: Pick<RequestContext, 'principal'>): string {
  return caller(ctx).username;
}
