// What the order ticket needs to know about the account, live: the money available in the market's
// money asset (and base units for a spot sell), and how many contracts a sell or buy would close (the
// position, less what the account's resting orders on that side already hold for closing).

import { api } from '../api/http.ts';
import type { Asset, Balance, MarketInfo, OpenOrder, PositionRow } from '../api/types.ts';
import { useApp } from '../state/app-state.tsx';
import { useApi } from '../state/use-api.ts';
import type { TicketAccount } from './ticket-check.ts';

function closable(held: number, orders: readonly OpenOrder[], side: 'buy' | 'sell'): number {
  const resting = orders.filter((o) => o.side === side).reduce((s, o) => s + o.openQtyLots, 0);
  return Math.max(0, held - resting);
}

export function useTicketAccount(m: MarketInfo): TicketAccount {
  const { me, accountVersion, assets } = useApp();
  const id = me?.userId;
  const load = <T>(path: string) =>
    id === undefined ? Promise.resolve({ items: [] as T[] }) : api<{ items: T[] }>('GET', path);
  const balances = useApi(
    () => load<Balance>('/api/v1/portfolio/balances'),
    [accountVersion, id],
    `balances:${id}`,
  );
  const positions = useApi(
    () => load<PositionRow>('/api/v1/portfolio/positions'),
    [accountVersion, id],
    `positions:${id}`,
  );
  const orders = useApi(
    () => load<OpenOrder>('/api/v1/orders/open'),
    [accountVersion, id],
    `open-orders:${id}`,
  );
  const balance = (assetId: number | undefined) =>
    balances.data?.items.find((b) => b.assetId === assetId)?.available;
  const lots = positions.data?.items.find((p) => p.market === m.market)?.positionLots ?? 0;
  const mine = (orders.data?.items ?? []).filter((o) => o.market === m.market);
  const base: Asset | undefined = assets.find((a) => a.assetId === m.spec.baseAssetId);
  return {
    available: balance(m.kind === 'binary' ? m.spec.settlementAssetId : m.spec.quoteAssetId),
    availableBase: m.kind === 'spot' ? balance(m.spec.baseAssetId) : undefined,
    base: base === undefined ? undefined : { code: base.code, scale: base.scale },
    closableBuy: m.kind === 'binary' ? closable(Math.max(0, -lots), mine, 'buy') : 0,
    closableSell: m.kind === 'binary' ? closable(Math.max(0, lots), mine, 'sell') : 0,
  };
}
