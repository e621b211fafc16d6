// Drives the npm package nodejs-order-book (the peer the engine is compared with) exactly as the
// reference harness's adapter does: string ids and option objects are built untimed, and each timed
// call passes a fresh copy because the library may keep or mutate what it is given.

import { createRequire } from 'node:module';
import {
  type LimitOrderOptions,
  type MarketOrderOptions,
  OrderBook,
  Side,
} from 'nodejs-order-book';
import type { BookDriver } from './book-driver.ts';
import { BUY, type Depth } from './reference-book.ts';
import { T_AMEND, T_CANCEL, T_LIMIT, T_MARKET, type WorkloadColumns } from './workload.ts';

export type PeerPayload =
  | { readonly k: 0; readonly o: LimitOrderOptions }
  | { readonly k: 1; readonly o: MarketOrderOptions }
  | { readonly k: 2; readonly id: string }
  | { readonly k: 3; readonly id: string; readonly o: { price: number; size: number } };

const version: string = createRequire(import.meta.url)('nodejs-order-book/package.json').version;

export function preparePeer(cols: WorkloadColumns): PeerPayload[] {
  const out = new Array<PeerPayload>(cols.n);
  for (let i = 0; i < cols.n; i++) {
    const side = cols.side[i] === BUY ? Side.BUY : Side.SELL;
    const id = String(cols.id[i]);
    const price = cols.price[i]!;
    const size = cols.qty[i]!;
    const t = cols.type[i];
    if (t === T_LIMIT) out[i] = { k: 0, o: { id, side, size, price } };
    else if (t === T_MARKET) out[i] = { k: 1, o: { side, size } };
    else if (t === T_CANCEL) out[i] = { k: 2, id };
    else if (t === T_AMEND) out[i] = { k: 3, id, o: { price, size } };
    else throw new Error(`unknown command type ${t} at ${i}`);
  }
  return out;
}

function applyPeer(ob: OrderBook, p: PeerPayload): void {
  switch (p.k) {
    case 0:
      ob.limit({ ...p.o });
      break;
    case 1:
      ob.market({ ...p.o });
      break;
    case 2:
      ob.cancel(p.id);
      break;
    case 3:
      ob.modify(p.id, { ...p.o });
      break;
  }
}

export const nodejsOrderBookDriver: BookDriver<OrderBook, PeerPayload> = {
  name: `nodejs-order-book@${version}`,
  create: () => new OrderBook(),
  replay(ob, payloads) {
    for (let i = 0; i < payloads.length; i++) applyPeer(ob, payloads[i]!);
  },
  replayTimed(ob, payloads, ns) {
    for (let i = 0; i < payloads.length; i++) {
      const p = payloads[i]!;
      const t0 = process.hrtime.bigint();
      applyPeer(ob, p);
      ns[i] = Number(process.hrtime.bigint() - t0);
    }
  },
  depth(ob): Depth {
    const [asks, bids] = ob.depth();
    const level = ([p, v]: number[]): [number, number, number] => [p!, v!, 0];
    return { bids: bids.map(level), asks: asks.map(level) };
  },
};
