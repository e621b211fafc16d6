// Order groups (scope `trade` to change, `read` to list): an account caps the lots a set of its orders
// may match in a rolling 15-second window; reaching the cap cancels the group's orders and stops it
// taking more until reset. Orders join a group with `orderGroupId` when placed. Each change is a
// journaled engine command; reads come live from the engine. Another account's group is not found.

import type { OrderGroupView } from '@bourse/engine';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayServices } from './gateway-services.ts';
import { type RouteDef, route } from './route-def.ts';
import { caller } from './route-helpers.ts';
import { OrderGroupBody } from '@bourse/protocol';

export function orderGroupView(g: OrderGroupView) {
  return {
    orderGroupId: g.groupId,
    limitLots: g.limitLots,
    triggered: g.triggered,
    matchedLots: g.matchedLots,
    orderIds: g.orderIds,
  };
}

/** The caller's group from the path, or UNKNOWN_ORDER_GROUP (404), also for another account's. */
async function ownGroup(s: GatewayServices, accountId: number, raw: string | undefined) {
  const id = /^[0-9]{1,15}$/.test(raw ?? '') ? Number(raw) : Number.NaN;
  const g = Number.isSafeInteger(id) && id > 0 ? await s.core.query.orderGroup(id) : undefined;
  if (g === undefined || g.accountId !== accountId) {
    throw new ApiError('UNKNOWN_ORDER_GROUP', `No order group ${raw ?? ''}.`);
  }
  return g;
}

/** A group command on the caller's group; answers the group as it is after it. */
function groupAction(path: string, summary: string, type: 'resetOrderGroup' | 'triggerOrderGroup') {
  return route({
    method: 'POST',
    path,
    summary,
    tag: 'orders',
    auth: 'trade',
    handler: async (ctx) => {
      const s = ctx.services;
      const accountId = caller(ctx).accountId;
      const g = await ownGroup(s, accountId, ctx.params.groupId);
      const applied = await s.submit({ type, accountId, groupId: g.groupId });
      const after = await s.core.query.orderGroup(g.groupId);
      return { ...orderGroupView(after!), seq: applied.seq };
    },
  });
}

/** The order group routes by name, so in-process callers (the Kalshi adapter) run them typed. */
export const orderGroupOperations = {
  create: route({
    method: 'POST',
    path: '/api/v1/order-groups',
    created: true,
    summary:
      'Create an order group: a cap on the lots its orders may match in a rolling 15-second window.',
    tag: 'orders',
    auth: 'trade',
    body: OrderGroupBody,
    handler: async (ctx) => {
      const s = ctx.services;
      const accountId = caller(ctx).accountId;
      const { limitLots } = ctx.body;
      const applied = await s.submit({ type: 'createOrderGroup', accountId, limitLots });
      ctx.status = 201;
      return {
        orderGroupId: applied.seq,
        limitLots,
        triggered: false,
        matchedLots: 0,
        orderIds: [],
        seq: applied.seq,
      };
    },
  }),
  list: route({
    method: 'GET',
    path: '/api/v1/order-groups',
    summary: "The account's order groups, live from the engine.",
    tag: 'orders',
    auth: 'read',
    handler: async (ctx) => {
      const groups = await ctx.services.core.query.orderGroups(caller(ctx).accountId);
      return { items: groups.map(orderGroupView) };
    },
  }),
  get: route({
    method: 'GET',
    path: '/api/v1/order-groups/:groupId',
    summary: 'One order group: its cap, whether it has triggered, lots matched, its open orders.',
    tag: 'orders',
    auth: 'read',
    handler: async (ctx) =>
      orderGroupView(await ownGroup(ctx.services, caller(ctx).accountId, ctx.params.groupId)),
  }),
  setLimit: route({
    method: 'PUT',
    path: '/api/v1/order-groups/:groupId/limit',
    summary: 'Change the cap; a cap the window has already reached triggers the group at once.',
    tag: 'orders',
    auth: 'trade',
    body: OrderGroupBody,
    handler: async (ctx) => {
      const s = ctx.services;
      const accountId = caller(ctx).accountId;
      const g = await ownGroup(s, accountId, ctx.params.groupId);
      const { limitLots } = ctx.body;
      const applied = await s.submit({
        type: 'setOrderGroupLimit',
        accountId,
        groupId: g.groupId,
        limitLots,
      });
      const after = await s.core.query.orderGroup(g.groupId);
      return { ...orderGroupView(after!), seq: applied.seq };
    },
  }),
  reset: groupAction(
    '/api/v1/order-groups/:groupId/reset',
    'Empty the window and take orders again after the group triggered.',
    'resetOrderGroup',
  ),
  trigger: groupAction(
    '/api/v1/order-groups/:groupId/trigger',
    'Trigger the group now: cancel its orders; it takes none until reset.',
    'triggerOrderGroup',
  ),
  delete: route({
    method: 'DELETE',
    path: '/api/v1/order-groups/:groupId',
    summary: 'Cancel the group’s orders and delete it.',
    tag: 'orders',
    auth: 'trade',
    handler: async (ctx) => {
      const s = ctx.services;
      const accountId = caller(ctx).accountId;
      const g = await ownGroup(s, accountId, ctx.params.groupId);
      const applied = await s.submit({ type: 'deleteOrderGroup', accountId, groupId: g.groupId });
      const cancelled = applied.events.flatMap((e) =>
        e.type === 'orderCancelled' ? [e.orderId] : [],
      );
      return { orderGroupId: g.groupId, cancelledOrderIds: cancelled, seq: applied.seq };
    },
  }),
};

export const orderGroupRoutes: RouteDef[] = Object.values(orderGroupOperations);
