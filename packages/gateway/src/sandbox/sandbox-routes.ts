// The sandbox's REST endpoints under /api/v1/sandbox (docs/sandbox.md). SANDBOX_ROUTES is the one list
// of them: a sandbox serves it, and an exchange that is not a sandbox answers every path in it with
// SANDBOX_DISABLED (404) before authentication, so production never runs a sandbox handler. A new
// sandbox endpoint (fault injection, scripts) joins the list and is refused in production with it.

import {
  ClockJumpBody,
  ClockRunBody,
  ClockStepBody,
  SandboxClockSchema,
  SandboxEventsQuery,
  SandboxEventsSchema,
  ResetAnswerSchema,
  SandboxStatusSchema,
  ScenarioSchema,
  ScenarioExportQuery,
} from '@bourse/protocol';
import { ApiError } from '../error-catalogue.ts';
import { type RouteDef, route } from '../api/route-def.ts';
import { caller } from '../api/route-helpers.ts';
import { FAULT_ROUTES } from './fault-routes.ts';
import { exportScenario } from './scenario-export.ts';
import { actorName, sandboxOf } from './sandbox-context.ts';

export { actorName, sandboxOf } from './sandbox-context.ts';

/** Clock refusals as catalogue errors. */
async function clockOp<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (error) {
    if (error instanceof RangeError) throw new ApiError('SANDBOX_CLOCK_BACKWARDS', error.message);
    throw error;
  }
}

const TAG = 'sandbox';

const statusRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/api/v1/sandbox/status',
    response: SandboxStatusSchema,
    summary: 'The sandbox clock, the scenario last reset to and how many events were recorded.',
    tag: TAG,
    auth: 'admin',
    handler: (ctx) => sandboxOf(ctx).status(),
  }),
  route({
    method: 'GET',
    path: '/api/v1/sandbox/events',
    query: SandboxEventsQuery,
    response: SandboxEventsSchema,
    summary:
      'What was done to the exchange and its clients (clock operations, resets, injected faults), ' +
      'oldest first. An admin may name any account; anyone else sees what targeted their own ' +
      'account and the exchange-wide events.',
    tag: TAG,
    auth: 'read',
    handler: (ctx) => {
      const p = caller(ctx);
      const q = ctx.query;
      if (q.account !== undefined && q.account !== p.accountId && !p.scopes.has('admin')) {
        throw new ApiError('FORBIDDEN', "Only an admin reads another account's events.");
      }
      const account = q.account ?? (p.scopes.has('admin') ? undefined : p.accountId);
      return {
        items: sandboxOf(ctx).recorder.list({
          account,
          kind: q.kind,
          after: q.after,
          limit: q.limit,
        }),
      };
    },
  }),
];

const clockRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/api/v1/sandbox/clock',
    response: SandboxClockSchema,
    summary: "The exchange's simulated clock: its time, paused or running, and its rate.",
    tag: TAG,
    auth: 'admin',
    handler: (ctx) => sandboxOf(ctx).clock.view(),
  }),
  route({
    method: 'POST',
    path: '/api/v1/sandbox/clock/pause',
    response: SandboxClockSchema,
    summary: 'Stops simulated time until a step, jump or run.',
    tag: TAG,
    auth: 'admin',
    handler: (ctx) => sandboxOf(ctx).pause(actorName(ctx)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/sandbox/clock/run',
    body: ClockRunBody,
    response: SandboxClockSchema,
    summary: 'Lets simulated time pass at `rate` times real time.',
    tag: TAG,
    auth: 'admin',
    handler: (ctx) => sandboxOf(ctx).run(ctx.body.rate, actorName(ctx)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/sandbox/clock/step',
    body: ClockStepBody,
    response: SandboxClockSchema,
    summary:
      'Moves simulated time forward by `ms`; GTD expiries and market schedules in between happen ' +
      'at their own times, in order, before it answers.',
    tag: TAG,
    auth: 'admin',
    handler: (ctx) => clockOp(() => sandboxOf(ctx).step(ctx.body.ms, actorName(ctx))),
  }),
  route({
    method: 'POST',
    path: '/api/v1/sandbox/clock/jump',
    body: ClockJumpBody,
    response: SandboxClockSchema,
    summary:
      'Moves simulated time to `to` (never backwards: SANDBOX_CLOCK_BACKWARDS), like a step.',
    tag: TAG,
    auth: 'admin',
    handler: (ctx) => clockOp(() => sandboxOf(ctx).jump(ctx.body.to, actorName(ctx))),
  }),
];

const resetRoutes: RouteDef[] = [
  route({
    method: 'POST',
    path: '/api/v1/sandbox/reset',
    body: ScenarioSchema,
    response: ResetAnswerSchema,
    summary:
      'Rebuilds the exchange from a scenario (assets, markets, accounts with balances and API keys, ' +
      'the resting book, a script of timed steps) on a fresh journal. Users, API keys and sessions ' +
      'are kept; every connection is closed once the answer is sent, as by a restart.',
    tag: TAG,
    auth: 'admin',
    handler: async (ctx) => {
      const sandbox = sandboxOf(ctx);
      if (!sandbox.resettable) {
        throw new ApiError('NOT_SUPPORTED', 'This sandbox is embedded and cannot be reset.');
      }
      const done = await sandbox.reset(ctx.body, actorName(ctx));
      // The answer travels on a connection of the exchange it replaced, which then closes.
      ctx.res.setHeader('connection', 'close');
      ctx.res.once('close', () => void done.retire());
      return done.answer;
    },
  }),
];

resetRoutes.push(
  route({
    method: 'GET',
    path: '/api/v1/sandbox/scenario',
    query: ScenarioExportQuery,
    response: ScenarioSchema,
    summary:
      'The current world as a scenario to reset to later: the clock, assets, markets that are not ' +
      'settled, every user with their balances, the resting book in time priority (positions are ' +
      'not carried).',
    tag: TAG,
    auth: 'admin',
    handler: (ctx) => {
      const sandbox = sandboxOf(ctx);
      return exportScenario(ctx.services, ctx.query.name ?? 'saved', sandbox.clock.view());
    },
  }),
);

/** Every sandbox endpoint. Add new ones here (see the file comment). */
export const SANDBOX_ROUTES: readonly RouteDef[] = [
  ...statusRoutes,
  ...clockRoutes,
  ...FAULT_ROUTES,
  ...resetRoutes,
];

/**
 * The routes a gateway mounts: the sandbox's own when it is one, otherwise the same paths answering
 * SANDBOX_DISABLED to anyone (no authentication, no body read), so a client learns why.
 */
export function sandboxRouteTable(enabled: boolean): readonly RouteDef[] {
  if (enabled) return SANDBOX_ROUTES;
  return SANDBOX_ROUTES.map(
    (r): RouteDef => ({
      method: r.method,
      path: r.path,
      summary: r.summary,
      tag: r.tag,
      auth: 'public',
      handler: () => {
        throw new ApiError('SANDBOX_DISABLED');
      },
    }),
  );
}
