// The sandbox's fault endpoints (docs/sandbox.md, "Faults"): add a fault for an account's (or one
// socket's) traffic, list the faults in force and the open sockets, clear one or all. Adding and
// clearing are recorded beside the injections themselves, with the admin who did it.

import {
  FaultBody,
  FaultClearedSchema,
  FaultListSchema,
  FaultSchema,
  type FaultView,
  SandboxSocketsSchema,
} from '@bourse/protocol';
import { type RequestContext, type RouteDef, route } from '../api/route-def.ts';
import { idParam } from '../api/route-helpers.ts';
import { ApiError } from '../error-catalogue.ts';
import type { Fault, FaultSpec } from './fault-injector.ts';
import { actorName, sandboxOf } from './sandbox-context.ts';

const TAG = 'sandbox';

export function faultView(f: Fault): FaultView {
  const detail: Record<string, unknown> = { by: f.by };
  if (f.retryAfterSeconds !== undefined) detail.retryAfterSeconds = f.retryAfterSeconds;
  if (f.status !== undefined) detail.status = f.status;
  if (f.afterExecution !== undefined) detail.afterExecution = f.afterExecution;
  if (f.latencyMs !== undefined) detail.latencyMs = f.latencyMs;
  return {
    faultId: f.faultId,
    kind: f.kind,
    account: f.accountId,
    socket: f.socketId ?? null,
    route: f.route ?? null,
    channel: f.channel ?? null,
    instrumentId: f.instrumentId ?? null,
    createdAt: f.createdAt,
    until: f.until ?? null,
    remaining: f.remaining ?? null,
    injected: f.injected,
    detail,
  };
}

function specOf(ctx: RequestContext<FaultBody>): FaultSpec {
  const b = ctx.body;
  return {
    kind: b.kind,
    accountId: b.account,
    socketId: b.socket,
    route: b.route,
    channel: b.channel,
    instrumentId:
      b.market === undefined ? undefined : ctx.services.market(b.market).spec.instrumentId,
    count: b.count,
    durationMs: b.durationMs,
    retryAfterSeconds: b.retryAfterSeconds,
    status: b.status,
    afterExecution: b.afterExecution,
    latencyMs: b.latencyMs,
  };
}

export const FAULT_ROUTES: readonly RouteDef[] = [
  route({
    method: 'POST',
    path: '/api/v1/sandbox/faults',
    body: FaultBody,
    response: FaultSchema,
    created: true,
    summary:
      "Injects a fault into an account's (or one socket's) traffic: a 429 with Retry-After, a 5xx " +
      '(before or after execution), latency, dropped or duplicated messages, a sequence gap, a ' +
      'disconnect (now) or a stale book; for a count and/or a duration.',
    tag: TAG,
    auth: 'admin',
    handler: (ctx) => {
      const sandbox = sandboxOf(ctx);
      const by = actorName(ctx);
      const f = sandbox.faults.add(specOf(ctx), ctx.services.clock(), by);
      if (typeof f === 'string') throw new ApiError('VALIDATION_FAILED', f);
      const view = faultView(f);
      sandbox.recorder.record({
        kind: 'fault',
        action: 'add',
        account: f.accountId,
        target: f.socketId === undefined ? (f.route ?? null) : `socket ${f.socketId}`,
        detail: { ...view },
        by,
      });
      ctx.status = 201;
      return view;
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/sandbox/faults',
    response: FaultListSchema,
    summary: 'The faults in force, with how many times each was applied.',
    tag: TAG,
    auth: 'admin',
    handler: (ctx) => ({
      items: sandboxOf(ctx).faults.list(ctx.services.clock()).map(faultView),
    }),
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/sandbox/faults',
    response: FaultClearedSchema,
    summary: 'Clears every fault.',
    tag: TAG,
    auth: 'admin',
    handler: (ctx) => clear(ctx, undefined),
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/sandbox/faults/:faultId',
    response: FaultClearedSchema,
    summary: 'Clears one fault (NOT_FOUND when it already ended).',
    tag: TAG,
    auth: 'admin',
    handler: (ctx) => {
      const cleared = clear(ctx, idParam(ctx, 'faultId', 'NOT_FOUND'));
      if (cleared.cleared === 0) throw new ApiError('NOT_FOUND', 'No such fault in force.');
      return cleared;
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/sandbox/sockets',
    response: SandboxSocketsSchema,
    summary: 'The open WebSocket connections: id, account and subscriptions (to target one).',
    tag: TAG,
    auth: 'admin',
    handler: (ctx) => ({ items: sandboxOf(ctx).faults.sockets() }),
  }),
];

function clear(ctx: RequestContext, faultId: number | undefined): { cleared: number } {
  const sandbox = sandboxOf(ctx);
  const cleared = sandbox.faults.clear(faultId);
  if (cleared > 0) {
    sandbox.recorder.record({
      kind: 'fault',
      action: 'clear',
      target: faultId === undefined ? 'all' : `fault ${faultId}`,
      detail: { cleared },
      by: actorName(ctx),
    });
  }
  return { cleared };
}
