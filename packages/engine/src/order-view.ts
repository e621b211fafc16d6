// Converts a pooled order slot into the public `OrderView`, and the store's small integer codes back
// into the command vocabulary.

import type { OrderType, Side, TimeInForce } from './commands.ts';
import type { EngineState } from './engine-state.ts';
import {
  F_CANCEL_ON_PAUSE,
  F_PARKED,
  F_POST_ONLY,
  F_REDUCE_ONLY,
  F_STP_CANCEL_MAKER,
} from './order-store.ts';
import type { OrderView } from './views.ts';

const SIDE_NAMES: readonly Side[] = ['buy', 'sell'];
const TYPE_NAMES: readonly OrderType[] = ['limit', 'market', 'stop', 'stopLimit'];
const TIF_NAMES: readonly TimeInForce[] = ['gtc', 'gtd', 'ioc', 'fok'];

export function sideName(side: number): Side {
  return SIDE_NAMES[side]!;
}

export function orderTypeName(type: number): OrderType {
  return TYPE_NAMES[type]!;
}

export function tifName(tif: number): TimeInForce {
  return TIF_NAMES[tif]!;
}

export function orderView(e: EngineState, slot: number): OrderView {
  const s = e.store;
  const group = e.groupOfOrder.size === 0 ? undefined : e.groupOfOrder.get(s.id[slot]!);
  const flags = s.flags[slot]!;
  const type = s.type[slot]!;
  const tif = s.tif[slot]!;
  const isStop = type === 2 || type === 3;
  return {
    orderId: s.id[slot]!,
    accountId: s.accountOf(slot).accountId,
    instrumentId: e.instList[s.inst[slot]!]!.spec.instrumentId,
    clientOrderId: s.clientIdOf(slot),
    side: sideName(s.side[slot]!),
    orderType: orderTypeName(type),
    tif: tifName(tif),
    priceTicks: s.price[slot]!,
    openQtyLots: s.open[slot]!,
    filledQtyLots: s.filled[slot]!,
    stopPriceTicks: isStop ? s.stopPriceOf(slot) : undefined,
    expiresAt: tif === 1 ? s.expiresAtOf(slot) : undefined,
    postOnly: (flags & F_POST_ONLY) !== 0,
    reduceOnly: (flags & F_REDUCE_ONLY) !== 0,
    stp: (flags & F_STP_CANCEL_MAKER) !== 0 ? 'cancelMaker' : 'cancelTaker',
    cancelOnPause: (flags & F_CANCEL_ON_PAUSE) !== 0,
    state: (flags & F_PARKED) !== 0 ? 'parked' : 'resting',
    reservedCash: s.resCash[slot]! + s.resFee[slot]!,
    reservedPosLots: s.resPos[slot]!,
    ...(group === undefined ? {} : { orderGroupId: group.groupId }),
  };
}
