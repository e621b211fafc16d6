// Surveillance through the admin API (scope `admin`): the kill switch that freezes an account (a
// journaled engine command: its live orders are cancelled and new ones refused until unfrozen).

import { AccountFrozenBody, AccountFrozenResponse } from '@bourse/protocol';
import type { GatewayServices } from './gateway-services.ts';
import { type RouteDef, route } from './route-def.ts';
import { idParam } from './route-helpers.ts';

/** Freezes or unfreezes an account; the admin API and `bourse account freeze` both come here. */
export async function setAccountFrozen(s: GatewayServices, accountId: number, frozen: boolean) {
  const applied = await s.submit({ type: 'setAccountFrozen', accountId, frozen });
  const cancelledOrders = applied.events.filter((e) => e.type === 'orderCancelled').length;
  return { accountId, frozen, cancelledOrders, seq: applied.seq };
}

export const surveillanceRoutes: RouteDef[] = [
  route({
    method: 'PUT',
    path: '/api/v1/admin/accounts/:accountId/frozen',
    summary:
      'Freeze an account (cancel its live orders and refuse new ones: the kill switch) or unfreeze it.',
    tag: 'admin',
    auth: 'admin',
    body: AccountFrozenBody,
    response: AccountFrozenResponse,
    handler: (ctx) =>
      setAccountFrozen(ctx.services, idParam(ctx, 'accountId', 'NOT_FOUND'), ctx.body.frozen),
  }),
];
