// Turns a workload into the commands a sequencer would hand the Bourse engine (untimed): seq after the
// set-up commands, a ts, orderId = the workload id, and an owning account chosen so that no order ever
// meets its own account (self-trade prevention would otherwise change the fills). It replays the stream
// on a reference book with the engine's amend rule (a same-price reduction keeps time priority, where
// the workload's rule always loses it), so it also predicts the engine's final book, traded quantity
// and rejections.

import type { CircuitBreakerConfig, Command, Side } from '@bourse/engine';
import { INSTRUMENT_ID, setupCommands, UNITS } from './bourse-market.ts';
import { depthHash } from './depth-hash.ts';
import { BUY, RefBook, type SideCode } from './reference-book.ts';
import {
  PROFILES,
  type ProfileName,
  T_AMEND,
  T_CANCEL,
  T_LIMIT,
  T_MARKET,
  type WorkloadColumns,
} from './workload.ts';

export interface BourseOptions {
  readonly profile: ProfileName;
  /** Trading accounts 1..accounts (account 0 collects fees). */
  readonly accounts: number;
  readonly maxOpenOrdersPerAccount: number;
  /** A circuit breaker on the market (one the stream never trips, to time its checks). */
  readonly breaker?: CircuitBreakerConfig;
}

/** What the engine must end with, predicted by the reference book under the engine's amend rule. */
export interface BourseExpectation {
  readonly depthHash: string;
  /** Filled quantity in workload units (each fill counted once). */
  readonly tradedQty: number;
  /** Commands the engine must refuse: a cancel or amend of a finished order, or an empty amend. */
  readonly rejects: number;
  /** Amends that were same-price reductions: in place for the engine, re-queued by the workload. */
  readonly reductionsKeptPriority: number;
  /** Amends that cross the engine's book (possible once priorities have diverged). */
  readonly crossingAmends: number;
  /** Orders stopped by self-trade prevention (only crossing amends can meet their own account). */
  readonly selfTradeCancels: number;
}

export interface PreparedBourse {
  readonly commands: Command[];
  readonly expected: BourseExpectation;
}

export function prepareBourse(cols: WorkloadColumns, o: BourseOptions): PreparedBourse {
  const P = PROFILES[o.profile];
  const units = UNITS[o.profile];
  const seqBase = setupCommands(o.profile, o.accounts, o.breaker).length;
  const model = new RefBook(P.lo, P.hi, 'reductionKeeps', 'cancelTaker');
  let maxId = 0;
  for (let i = 0; i < cols.n; i++) maxId = Math.max(maxId, cols.id[i]!);
  const owner = new Uint16Array(maxId + 1);
  const commands = new Array<Command>(cols.n);
  let rejects = 0;
  let reductionsKeptPriority = 0;
  let crossingAmends = 0;
  for (let i = 0; i < cols.n; i++) {
    const seq = seqBase + i + 1;
    const ts = seqBase + i; // one millisecond per command: only GTD expiry would read it
    const t = cols.type[i];
    const sideCode = cols.side[i]! as SideCode;
    const orderId = cols.id[i]!;
    const price = cols.price[i]!;
    const qty = cols.qty[i]!;
    const side: Side = sideCode === BUY ? 'buy' : 'sell';
    if (t === T_LIMIT || t === T_MARKET) {
      const limit = t === T_LIMIT ? price : sideCode === BUY ? Infinity : -Infinity;
      const accountId = pickAccount(model, sideCode, limit, qty, orderId, o.accounts);
      owner[orderId] = accountId;
      const base = {
        type: 'placeOrder',
        seq,
        ts,
        orderId,
        accountId,
        instrumentId: INSTRUMENT_ID,
        side,
      };
      if (t === T_LIMIT) {
        model.limit(orderId, sideCode, price, qty, accountId);
        commands[i] = {
          ...base,
          type: 'placeOrder',
          orderType: 'limit',
          tif: 'gtc',
          priceTicks: price * units.priceTicks,
          qtyLots: qty * units.qtyLots,
        };
      } else {
        model.market(sideCode, qty, accountId);
        commands[i] = {
          ...base,
          type: 'placeOrder',
          orderType: 'market',
          tif: 'ioc',
          qtyLots: qty * units.qtyLots,
        };
      }
    } else if (t === T_CANCEL) {
      const accountId = owner[orderId]!;
      if (!model.orders.has(orderId)) rejects++;
      model.cancel(orderId);
      commands[i] = { type: 'cancelOrder', seq, ts, accountId, orderId };
    } else if (t === T_AMEND) {
      const accountId = owner[orderId]!;
      const before = model.orders.get(orderId);
      if (before && before.price === price && qty < before.qty) reductionsKeptPriority++;
      const opp = model.best((sideCode ^ 1) as SideCode);
      if (before && opp >= 0 && (sideCode === BUY ? price >= opp : price <= opp)) {
        crossingAmends++;
      }
      if (!model.amend(orderId, price, qty)) rejects++;
      commands[i] = {
        type: 'amendOrder',
        seq,
        ts,
        accountId,
        orderId,
        priceTicks: price * units.priceTicks,
        qtyLots: qty * units.qtyLots,
      };
    } else throw new Error(`unknown command type ${t} at ${i}`);
  }
  const expected = {
    depthHash: depthHash(model.depth()),
    tradedQty: model.tradedQty,
    rejects,
    reductionsKeptPriority,
    crossingAmends,
    selfTradeCancels: model.selfTradeCancels,
  };
  return { commands, expected };
}

/** The order's natural account (by id), or the next one that none of its counterparties own. */
function pickAccount(
  model: RefBook,
  side: SideCode,
  limit: number,
  qty: number,
  orderId: number,
  accounts: number,
): number {
  for (let k = 0; k < accounts; k++) {
    const accountId = 1 + ((orderId + k) % accounts);
    if (!model.wouldTrade(side, limit, qty, accountId)) return accountId;
  }
  throw new Error(`order ${orderId} would meet every account: raise the number of accounts`);
}
