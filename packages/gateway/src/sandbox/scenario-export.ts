// Saves the sandbox's current world as a scenario (`GET /api/v1/sandbox/scenario`, `bourse sandbox
// save`), so a state reached by hand or by a bot can be reset to again: the clock, the assets, every
// market that is not settled (spec, breaker, status, schedule), every user with their balances
// (available and reserved together: the orders reserve again when placed) and the resting book in
// time priority. Positions are not carried: a reset can only deposit money, not recreate contracts
// (docs/sandbox.md).

import type { OrderView } from '@bourse/engine';
import type { Scenario, SandboxClock as ClockView } from '@bourse/protocol';
import type { GatewayServices } from '../api/gateway-services.ts';

type ScenarioMarket = NonNullable<Scenario['markets']>[number];
type ScenarioOrder = NonNullable<Scenario['orders']>[number];

async function exportMarkets(s: GatewayServices) {
  const markets: ScenarioMarket[] = [];
  const symbols = new Map<number, string>();
  for (const v of await s.core.query.instruments()) {
    symbols.set(v.spec.instrumentId, v.spec.symbol);
    if (v.status === 'settled') continue;
    const breaker = v.circuitBreaker;
    const reference = breaker?.referencePriceTicks;
    const spec = {
      ...v.spec,
      ...(breaker === undefined ? {} : { circuitBreaker: breaker.config }),
      ...(reference === undefined ? {} : { referencePriceTicks: reference }),
    } as ScenarioMarket['spec'];
    markets.push({
      spec,
      status: v.status,
      ...(v.opensAt === undefined ? {} : { opensAt: v.opensAt }),
      ...(v.closesAt === undefined ? {} : { closesAt: v.closesAt }),
    });
  }
  return { markets, symbols };
}

/** An open order as the order body that places it again (its open quantity, its own options). */
function orderBody(o: OrderView, market: string): ScenarioOrder['order'] {
  const withPrice = o.orderType === 'limit' || o.orderType === 'stopLimit';
  return {
    market,
    side: o.side,
    ...(o.orderType === 'limit' ? {} : { type: o.orderType }),
    ...(withPrice ? { priceTicks: o.priceTicks } : {}),
    qtyLots: o.openQtyLots,
    ...(o.tif === 'gtc' ? {} : { tif: o.tif }),
    ...(o.clientOrderId === undefined ? {} : { clientOrderId: o.clientOrderId }),
    ...(o.postOnly ? { postOnly: true } : {}),
    ...(o.reduceOnly ? { reduceOnly: true } : {}),
    ...(o.stopPriceTicks === undefined ? {} : { stopPriceTicks: o.stopPriceTicks }),
    ...(o.stp === 'cancelTaker' || o.stp === 'cancelMaker' ? { stp: o.stp } : {}),
    ...(o.cancelOnPause ? { cancelOnPause: true } : {}),
  } as ScenarioOrder['order'];
}

/** The current world as a scenario named `name`, starting at the clock's now. */
export async function exportScenario(
  s: GatewayServices,
  name: string,
  clock: ClockView,
): Promise<Scenario> {
  const assets = s.assets().map((a) => ({ code: a.code, scale: a.scale, assetId: a.assetId }));
  const codes = new Map(assets.map((a) => [a.assetId, a.code]));
  const { markets, symbols } = await exportMarkets(s);
  const accounts: NonNullable<Scenario['accounts']> = [];
  const open: { order: OrderView; username: string }[] = [];
  for (const u of await s.auth.users()) {
    const balances: Record<string, number> = {};
    for (const b of await s.core.query.balances(u.accountId)) {
      const total = b.available + b.reserved;
      const code = codes.get(b.assetId);
      if (total > 0 && code !== undefined) balances[code] = total;
    }
    accounts.push({ username: u.username, role: u.role, balances });
    for (const order of await s.core.query.openOrders(u.accountId)) {
      open.push({ order, username: u.username });
    }
  }
  // Order ids are sequence numbers: placing them again in id order keeps their time priority.
  open.sort((a, b) => a.order.orderId - b.order.orderId);
  const orders = open
    .filter(({ order }) => markets.some((m) => m.spec.symbol === symbols.get(order.instrumentId)))
    .map(({ order, username }) => ({
      account: username,
      order: orderBody(order, symbols.get(order.instrumentId)!),
      ...(order.expiresAt === undefined ? {} : { expiresAt: order.expiresAt }),
    }));
  return {
    name,
    description: 'Saved from a running sandbox; positions are not carried.',
    clock: { start: clock.now, mode: clock.mode, rate: clock.rate },
    assets,
    markets,
    accounts,
    orders,
  };
}
