// Random but realistic command streams for the engine simulation: every order type and time in
// force (some to be cancelled on pause), cancels, amends, decreases, cancel-alls, ledger moves,
// clock ticks, market lifecycle (pause, close, settle, new markets, circuit breakers on some),
// halts, and deliberately bad commands. It follows the engine's events to know which orders are live and which markets are
// open, so most maintenance commands hit real orders.

import type {
  BinarySpec,
  Command,
  EngineEvent,
  FeeSchedule,
  InstrumentLimits,
  PlaceOrder,
  SpotSpec,
} from '../../src/index.ts';
import type { Prng } from './prng.ts';

export const SIM_USD = 1;
export const SIM_BTC = 2;
export const SIM_ETH = 3;

interface MarketState {
  id: number;
  spec: BinarySpec | SpotSpec;
  status: 'created' | 'open' | 'paused' | 'closed' | 'settled';
  /** Where this market's prices centre, in ticks; drifts as a random walk. */
  mid: number;
}

interface LiveOrder {
  accountId: number;
  instrumentId: number;
  clientOrderId: string | undefined;
}

export interface Generated {
  readonly command: Command;
  /** True when the generator built the command to be rejected. */
  readonly bad: boolean;
}

const NO_LIMITS: InstrumentLimits = {
  maxOrderQtyLots: 0,
  maxOrderNotional: 0,
  maxPositionLots: 0,
  priceBandTicks: 0,
};

export class CommandGenerator {
  private seq = 0;
  private ts = 1_700_000_000_000;
  private readonly markets: MarketState[] = [];
  /** Order groups the engine has created, with their accounts (learned from its events). */
  private readonly groups = new Map<number, { accountId: number; triggered: boolean }>();
  private readonly live = new Map<number, LiveOrder>();
  private readonly liveIds: number[] = [];
  private readonly liveIndex = new Map<number, number>();
  private readonly accounts: number[] = [];
  private nextInstrumentId = 100;
  private nextTransfer = 1;
  private readonly usedTransfers: string[] = [];
  private haltedFor = 0;
  /** The frozen account and when it is unfrozen (one at a time). */
  private thaw: { accountId: number; atSeq: number } | undefined;
  /** Commands queued to run before random ones (setup, lifecycle follow-ups). */
  private readonly queue: Body[] = [];

  private readonly rng: Prng;
  private maxAcceptedOrderId = 0;

  /**
   * Available money of an account in an asset, if the driver can tell: thinly funded accounts then
   * size some orders to spend nearly all of it, which exercises every edge of funds and fee checks.
   */
  fundsOf: ((accountId: number, assetId: number) => number) | undefined;

  constructor(rng: Prng, accountCount: number, binaryMarkets: number, spotMarkets: number) {
    this.rng = rng;
    this.queue.push({ type: 'createAsset', assetId: SIM_USD, code: 'USD', scale: 1_000_000 });
    this.queue.push({ type: 'createAsset', assetId: SIM_BTC, code: 'BTC', scale: 100_000_000 });
    this.queue.push({ type: 'createAsset', assetId: SIM_ETH, code: 'ETH', scale: 1_000_000_000 });
    for (let a = 1; a <= accountCount; a++) {
      this.accounts.push(a);
      this.queue.push({
        type: 'createAccount',
        accountId: a,
        userId: 1 + (a >> 1),
        subaccount: a & 1,
      });
      this.queue.push({
        type: 'deposit',
        accountId: a,
        assetId: SIM_USD,
        amount: a % 10 === 0 ? 50_000_000 : 20_000_000_000,
      });
      this.queue.push({ type: 'deposit', accountId: a, assetId: SIM_BTC, amount: 1_000_000_000 });
      this.queue.push({ type: 'deposit', accountId: a, assetId: SIM_ETH, amount: 100_000_000_000 });
    }
    for (let i = 0; i < binaryMarkets; i++) this.newMarket('binary');
    for (let i = 0; i < spotMarkets; i++) this.newMarket('spot');
  }

  /** Follows a command's events: live orders and market status. */
  observe(events: readonly EngineEvent[]): void {
    for (const e of events) {
      switch (e.type) {
        case 'orderRested':
        case 'orderParked': {
          const o = this.pendingAccepted;
          if (o !== undefined && o.orderId === e.orderId) this.addLive(e.orderId, o.live);
          break;
        }
        case 'orderAccepted':
          this.maxAcceptedOrderId = e.orderId;
          this.pendingAccepted = {
            orderId: e.orderId,
            live: {
              accountId: e.accountId,
              instrumentId: e.instrumentId,
              clientOrderId: e.clientOrderId,
            },
          };
          break;
        case 'orderCancelled':
          this.removeLive(e.orderId);
          break;
        case 'ledgerMoved':
          if (e.transferId !== undefined) this.usedTransfers.push(e.transferId);
          break;
        case 'fill':
          if (e.makerOpenQtyLots === 0) this.removeLive(e.makerOrderId);
          if (e.takerOpenQtyLots === 0) this.removeLive(e.takerOrderId);
          break;
        case 'marketStatusChanged': {
          const m = this.markets.find((x) => x.id === e.instrumentId);
          if (m !== undefined) m.status = e.status;
          break;
        }
        case 'orderGroupUpdated':
          this.groups.set(e.groupId, { accountId: e.accountId, triggered: e.triggered });
          break;
        case 'orderGroupDeleted':
          this.groups.delete(e.groupId);
          break;
        default:
          break;
      }
    }
    this.pendingAccepted = undefined;
  }

  private pendingAccepted: { orderId: number; live: LiveOrder } | undefined;

  private addLive(id: number, o: LiveOrder): void {
    if (this.live.has(id)) return;
    this.live.set(id, o);
    this.liveIndex.set(id, this.liveIds.length);
    this.liveIds.push(id);
  }

  private removeLive(id: number): void {
    const i = this.liveIndex.get(id);
    if (i === undefined) return;
    const last = this.liveIds.pop()!;
    if (last !== id) {
      this.liveIds[i] = last;
      this.liveIndex.set(last, i);
    }
    this.liveIndex.delete(id);
    this.live.delete(id);
  }

  liveCount(): number {
    return this.live.size;
  }

  openMarketCount(): number {
    return this.markets.filter((m) => m.status === 'open').length;
  }

  next(): Generated {
    const r = this.rng;
    this.ts += r.chance(0.9) ? r.int(0, 20) : r.int(0, 3_000);
    let body = this.queue.shift();
    let bad = false;
    if (body === undefined) {
      if (this.haltedFor > 0 && --this.haltedFor === 0) body = { type: 'setHalt', halted: false };
      else if (this.thaw !== undefined && this.seq >= this.thaw.atSeq) {
        body = { type: 'setAccountFrozen', accountId: this.thaw.accountId, frozen: false };
        this.thaw = undefined;
      } else {
        const g = this.random();
        body = g.body;
        bad = g.bad;
      }
    }
    this.seq++;
    const command = { ...body, seq: this.seq, ts: this.ts } as Command;
    if (command.type === 'placeOrder' && (command as { orderId?: number }).orderId === undefined) {
      (command as { orderId: number }).orderId = this.seq;
    }
    return { command, bad };
  }

  private random(): { body: Body; bad: boolean } {
    const r = this.rng;
    const kind = r.weighted({
      place: 560,
      cancel: 110,
      amend: 80,
      decrease: 40,
      cancelAll: 8,
      deposit: 25,
      withdraw: 15,
      transfer: 15,
      tick: 30,
      lifecycle: 3,
      group: 6,
      halt: 1,
      freeze: 1,
      bad: 90,
    });
    switch (kind) {
      case 'place':
        return { body: this.place(), bad: false };
      case 'cancel':
        return { body: this.cancel(), bad: false };
      case 'amend':
        return { body: this.amend(), bad: false };
      case 'decrease':
        return { body: this.decrease(), bad: false };
      case 'cancelAll':
        return {
          body: r.chance(0.5)
            ? { type: 'cancelAll', accountId: this.account() }
            : { type: 'cancelAll', accountId: this.account(), instrumentId: this.market().id },
          bad: false,
        };
      case 'deposit':
        return { body: this.ledger('deposit'), bad: false };
      case 'withdraw':
        return { body: this.ledger('withdraw'), bad: false };
      case 'transfer':
        return { body: this.ledger(r.chance(0.5) ? 'transferIn' : 'transferOut'), bad: false };
      case 'tick':
        this.ts += r.int(0, 10_000);
        return { body: { type: 'tick' }, bad: false };
      case 'lifecycle':
        return { body: this.lifecycle(), bad: false };
      case 'group':
        return { body: this.groupCommand(), bad: false };
      case 'halt':
        this.haltedFor = r.int(1, 30);
        return { body: { type: 'setHalt', halted: true }, bad: false };
      case 'freeze': {
        // The account is unfrozen again within a few hundred commands, so it comes back to trade.
        if (this.thaw !== undefined) return { body: { type: 'tick' }, bad: false };
        const accountId = this.account();
        this.thaw = { accountId, atSeq: this.seq + r.int(1, 300) };
        return { body: { type: 'setAccountFrozen', accountId, frozen: true }, bad: false };
      }
      case 'bad':
        return { body: this.badCommand(), bad: true };
    }
  }

  private account(): number {
    return this.rng.pick(this.accounts);
  }

  /** A market, mostly an open one. */
  private market(): MarketState {
    const open = this.markets.filter((m) => m.status === 'open');
    if (open.length > 0 && this.rng.chance(0.97)) return this.rng.pick(open);
    return this.rng.pick(this.markets);
  }

  private newMarket(kind: 'binary' | 'spot'): void {
    const r = this.rng;
    const id = this.nextInstrumentId++;
    let spec: BinarySpec | SpotSpec;
    if (kind === 'binary') {
      const fine = r.chance(0.2);
      const fees: FeeSchedule = r.pick<FeeSchedule>([
        { kind: 'none' },
        { kind: 'kalshi', makerRatePpm: 17_500, takerRatePpm: 70_000, roundingUnit: 10_000 },
        { kind: 'kalshi', makerRatePpm: 0, takerRatePpm: 70_000, roundingUnit: 1 },
        { kind: 'bps', makerBps: 0, takerBps: 25 },
      ]);
      const lotSize = r.chance(0.3) ? 1 : 100;
      spec = {
        kind: 'binary',
        instrumentId: id,
        symbol: `SIM-${id}`,
        seriesTicker: 'SIM',
        eventTicker: `SIM-${id}`,
        title: `Simulated ${id}`,
        settlementAssetId: SIM_USD,
        payoutTicks: 10_000,
        lotsPerContract: 100,
        tickSize: fine ? 10 : 100,
        minPriceTicks: fine ? 10 : 100,
        maxPriceTicks: fine ? 9_990 : 9_900,
        lotSize,
        moneyPerTickLot: 1,
        fees,
        limits: r.chance(0.5)
          ? NO_LIMITS
          : {
              maxOrderQtyLots: 5_000,
              maxOrderNotional: 30_000_000,
              // Small enough that resting orders reach it: a few dozen average orders.
              maxPositionLots: 30 * lotSize,
              priceBandTicks: r.chance(0.5) ? 0 : 2_500,
            },
      };
    } else {
      const ethBtc = r.chance(0.3);
      spec = {
        kind: 'spot',
        instrumentId: id,
        symbol: `SPOT-${id}`,
        baseAssetId: ethBtc ? SIM_ETH : r.pick([SIM_BTC, SIM_ETH]),
        quoteAssetId: ethBtc ? SIM_BTC : SIM_USD,
        baseUnitsPerLot: ethBtc ? 10_000_000 : 100_000,
        tickSize: 1,
        minPriceTicks: 1,
        maxPriceTicks: 2_000,
        lotSize: r.chance(0.5) ? 1 : 5,
        moneyPerTickLot: ethBtc ? 10 : 1_000,
        fees: r.chance(0.5) ? { kind: 'none' } : { kind: 'bps', makerBps: 2, takerBps: 7 },
        limits: NO_LIMITS,
      };
    }
    const lo = spec.minPriceTicks;
    const hi = spec.maxPriceTicks;
    const mid = lo + Math.floor((hi - lo) / 2 / spec.tickSize) * spec.tickSize;
    this.markets.push({ id, spec, status: 'created', mid });
    this.queue.push({ type: 'createInstrument', spec });
    if (r.chance(0.35)) this.queue.push(this.breaker(id, spec.tickSize));
    this.queue.push({ type: 'setMarketStatus', instrumentId: id, status: 'open' });
  }

  /** A circuit breaker tight enough to trip now and then in this generator's price walk. */
  private breaker(instrumentId: number, tick: number): Body {
    const r = this.rng;
    const config = {
      moveTicks: r.chance(0.7) ? r.int(8, 20) * tick : 0,
      moveBps: r.chance(0.3) ? r.int(300, 2_000) : 0,
      windowMs: r.int(500, 10_000),
      pauseMs: r.int(200, 20_000),
      bandTicks: r.chance(0.4) ? r.int(15, 40) * tick : 0,
    };
    if (config.moveTicks === 0 && config.moveBps === 0) config.moveTicks = 10 * tick;
    return { type: 'setCircuitBreaker', instrumentId, breaker: config };
  }

  /** A grid price near the market's drifting mid. */
  /** Creates a group with a small cap (so fills reach it), or changes, resets, triggers or deletes one. */
  private groupCommand(): Body {
    const r = this.rng;
    if (this.groups.size === 0 || r.chance(0.25)) {
      return { type: 'createOrderGroup', accountId: this.account(), limitLots: r.int(1, 40) * 100 };
    }
    const [groupId, { accountId }] = r.pick([...this.groups]);
    const what = r.weighted({ reset: 5, limit: 2, trigger: 1, delete: 1 });
    switch (what) {
      case 'reset':
        return { type: 'resetOrderGroup', accountId, groupId };
      case 'limit':
        return { type: 'setOrderGroupLimit', accountId, groupId, limitLots: r.int(1, 40) * 100 };
      case 'trigger':
        return { type: 'triggerOrderGroup', accountId, groupId };
      case 'delete':
        return { type: 'deleteOrderGroup', accountId, groupId };
    }
  }

  /** A max cost caps buying: a buy, or a binary sell (it buys NO). */
  private takesMaxCost(m: MarketState, side: 'buy' | 'sell'): boolean {
    return side === 'buy' || m.spec.kind === 'binary';
  }

  private price(m: MarketState): number {
    const r = this.rng;
    const s = m.spec;
    const span = s.kind === 'binary' ? 12 : 40;
    m.mid += s.tickSize * r.int(-1, 1);
    m.mid = Math.min(
      Math.max(m.mid, s.minPriceTicks + span * s.tickSize),
      s.maxPriceTicks - span * s.tickSize,
    );
    return m.mid + s.tickSize * r.int(-span, span);
  }

  private qty(m: MarketState): number {
    const r = this.rng;
    return m.spec.lotSize * (r.chance(0.8) ? r.int(1, 10) : r.int(11, 60));
  }

  private place(): Body {
    const r = this.rng;
    const m = this.market();
    const side = r.chance(0.5) ? 'buy' : 'sell';
    const o: { -readonly [K in keyof PlaceOrder]?: PlaceOrder[K] } = {
      type: 'placeOrder',
      accountId: this.account(),
      instrumentId: m.id,
      side,
      qtyLots: this.qty(m),
    };
    const flavour = r.weighted({
      gtc: 40,
      gtd: 10,
      ioc: 10,
      fok: 5,
      market: 10,
      stop: 5,
      stopLimit: 5,
      postOnly: 8,
      reduceOnly: 7,
    });
    o.orderType = 'limit';
    o.tif = 'gtc';
    o.priceTicks = this.price(m);
    switch (flavour) {
      case 'gtd':
        o.tif = 'gtd';
        o.expiresAt = this.ts + r.int(1, 30_000);
        break;
      case 'ioc':
      case 'fok':
        o.tif = flavour;
        // Kalshi's buy_max_cost: a limit order that never rests, with a cap on what it buys.
        if (this.takesMaxCost(m, side) && r.chance(0.3)) o.maxCost = r.int(1, 5_000_000);
        break;
      case 'market':
        o.orderType = 'market';
        o.tif = r.chance(0.8) ? 'ioc' : 'fok';
        delete o.priceTicks;
        if (r.chance(0.4)) o.worstPriceTicks = this.price(m);
        else if (this.takesMaxCost(m, side) && r.chance(0.5)) o.maxCost = r.int(1, 5_000_000);
        break;
      case 'stop':
        o.orderType = 'stop';
        delete o.priceTicks;
        o.stopPriceTicks = this.price(m);
        break;
      case 'stopLimit':
        o.orderType = 'stopLimit';
        o.stopPriceTicks = this.price(m);
        if (r.chance(0.2)) o.postOnly = true;
        break;
      case 'postOnly':
        o.postOnly = true;
        break;
      case 'reduceOnly':
        o.reduceOnly = true;
        break;
      default:
        break;
    }
    // Some orders join one of their account's groups; now and then a triggered one, which refuses.
    if (r.chance(0.1)) {
      const wantTriggered = r.chance(0.05);
      for (const [groupId, g] of this.groups) {
        if (g.accountId === o.accountId && g.triggered === wantTriggered) {
          o.orderGroupId = groupId;
          break;
        }
      }
    }
    if (this.fundsOf !== undefined && o.accountId! % 10 === 0 && r.chance(0.6)) {
      const limit =
        o.priceTicks ??
        o.worstPriceTicks ??
        (side === 'buy' ? m.spec.maxPriceTicks : m.spec.minPriceTicks);
      const all = this.allIn(m, side, limit, o.accountId!, this.fundsOf);
      if (all >= m.spec.lotSize) o.qtyLots = all - m.spec.lotSize * r.int(0, 1);
    }
    if (r.chance(0.3)) o.clientOrderId = `c${r.int(0, 15)}`;
    if (r.chance(0.3)) o.stp = r.chance(0.5) ? 'cancelMaker' : 'cancelTaker';
    // Cancelled by the next pause of the market or halt of the exchange, if still open then.
    if (r.chance(0.25)) o.cancelOnPause = r.chance(0.9);
    return o as Body;
  }

  /**
   * The largest lot-multiple quantity the account's available money (or base) pays for at `limit`.
   */
  private allIn(
    m: MarketState,
    side: 'buy' | 'sell',
    limit: number,
    accountId: number,
    funds: (accountId: number, assetId: number) => number,
  ): number {
    const s = m.spec;
    let lots: number;
    if (s.kind === 'binary') {
      const perLot = (side === 'buy' ? limit : s.payoutTicks - limit) * s.moneyPerTickLot;
      lots = Math.floor(funds(accountId, s.settlementAssetId) / perLot);
    } else if (side === 'buy') {
      lots = Math.floor(funds(accountId, s.quoteAssetId) / (limit * s.moneyPerTickLot));
    } else {
      lots = Math.floor(funds(accountId, s.baseAssetId) / s.baseUnitsPerLot);
    }
    return lots - (lots % s.lotSize);
  }

  private liveOrder(): [number, LiveOrder] | undefined {
    if (this.liveIds.length === 0) return undefined;
    const id = this.rng.pick(this.liveIds);
    return [id, this.live.get(id)!];
  }

  private cancel(): Body {
    const lo = this.liveOrder();
    if (lo === undefined) return { type: 'cancelOrder', accountId: this.account(), orderId: 1 };
    const [id, o] = lo;
    if (o.clientOrderId !== undefined && this.rng.chance(0.3)) {
      return { type: 'cancelOrder', accountId: o.accountId, clientOrderId: o.clientOrderId };
    }
    return { type: 'cancelOrder', accountId: o.accountId, orderId: id };
  }

  private amend(): Body {
    const r = this.rng;
    const lo = this.liveOrder();
    if (lo === undefined) return { type: 'tick' };
    const [id, o] = lo;
    const m = this.markets.find((x) => x.id === o.instrumentId)!;
    const what = r.int(0, 2);
    const body: { -readonly [K in keyof Body]?: unknown } & Record<string, unknown> = {
      type: 'amendOrder',
      accountId: o.accountId,
      orderId: id,
    };
    if (what !== 1) body.priceTicks = this.price(m);
    if (what !== 0) body.qtyLots = this.qty(m);
    return body as Body;
  }

  private decrease(): Body {
    const lo = this.liveOrder();
    if (lo === undefined) return { type: 'tick' };
    const [id, o] = lo;
    const m = this.markets.find((x) => x.id === o.instrumentId)!;
    return {
      type: 'decreaseOrder',
      accountId: o.accountId,
      orderId: id,
      byLots: m.spec.lotSize * this.rng.int(1, 5),
    };
  }

  private ledger(kind: 'deposit' | 'withdraw' | 'transferIn' | 'transferOut'): Body {
    const r = this.rng;
    const assetId = r.pick([SIM_USD, SIM_USD, SIM_BTC, SIM_ETH]);
    const amount = r.int(1, assetId === SIM_USD ? 2_000_000_000 : 200_000_000);
    const accountId = this.account();
    if (kind === 'deposit' || kind === 'withdraw')
      return { type: kind, accountId, assetId, amount };
    const transferId = `t${this.nextTransfer++}`;
    return { type: kind, transferId, accountId, assetId, amount };
  }

  private lifecycle(): Body {
    const r = this.rng;
    const paused = this.markets.find((m) => m.status === 'paused');
    if (paused !== undefined && r.chance(0.6)) {
      return { type: 'setMarketStatus', instrumentId: paused.id, status: 'open' };
    }
    const m = this.market();
    const what = r.weighted({ pause: 5, close: 2, create: 2, schedule: 2 });
    if (what === 'create' || m.status !== 'open') {
      this.newMarket(r.chance(0.7) ? 'binary' : 'spot');
      return { type: 'tick' };
    }
    if (what === 'pause') return { type: 'setMarketStatus', instrumentId: m.id, status: 'paused' };
    if (what === 'schedule') {
      // A close a little ahead (it happens at a later command, whatever that is), or none again.
      const closesAt = r.chance(0.8) ? this.ts + r.int(1, 20_000) : null;
      return { type: 'scheduleMarket', instrumentId: m.id, opensAt: null, closesAt };
    }
    // Close, settle (binary) and replace the market with a fresh one.
    if (m.spec.kind === 'binary') {
      const result = r.pick(['yes', 'no', 'scalar'] as const);
      this.queue.push(
        result === 'scalar'
          ? { type: 'settleMarket', instrumentId: m.id, result, valueTicks: r.int(0, 100) * 100 }
          : { type: 'settleMarket', instrumentId: m.id, result },
      );
    }
    this.newMarket(m.spec.kind);
    return { type: 'setMarketStatus', instrumentId: m.id, status: 'closed' };
  }

  private badCommand(): Body {
    const r = this.rng;
    const base = this.place() as PlaceOrder;
    const m = this.markets.find((x) => x.id === base.instrumentId)!;
    const lo = this.liveOrder();
    const variant = r.int(0, 18);
    switch (variant) {
      case 0:
        return { ...base, accountId: 9_999 };
      case 1:
        return { ...base, instrumentId: 9_999 };
      case 2:
        return {
          type: 'cancelOrder',
          accountId: this.account(),
          orderId: 10_000_000 + r.int(0, 99),
        };
      case 3:
        return {
          ...base,
          orderType: 'limit',
          tif: 'gtc',
          priceTicks: this.price(m) + (m.spec.tickSize > 1 ? 1 : 0.5),
        };
      case 4:
        return { ...base, qtyLots: base.qtyLots + 0.25 };
      case 5:
        if (this.maxAcceptedOrderId === 0) return { ...base, qtyLots: -1 };
        return { ...base, orderId: r.int(1, this.maxAcceptedOrderId) } as Body;
      case 6:
        if (lo === undefined)
          return { type: 'deposit', accountId: this.account(), assetId: SIM_USD, amount: -5 };
        return { type: 'cancelOrder', accountId: lo[1].accountId === 1 ? 2 : 1, orderId: lo[0] };
      case 7: {
        if (this.usedTransfers.length === 0)
          return { type: 'withdraw', accountId: 1, assetId: SIM_USD, amount: -1 };
        const id = r.pick(this.usedTransfers);
        return {
          type: 'transferIn',
          transferId: id,
          accountId: this.account(),
          assetId: SIM_USD,
          amount: 10,
        };
      }
      case 8:
        return {
          type: 'deposit',
          accountId: this.account(),
          assetId: SIM_USD,
          amount: r.chance(0.5) ? 0 : 1.5,
        };
      case 9:
        return { type: 'withdraw', accountId: this.account(), assetId: SIM_USD, amount: 1e15 };
      case 10:
        return {
          ...base,
          orderType: 'limit',
          tif: 'gtc',
          priceTicks: m.spec.maxPriceTicks + m.spec.tickSize,
        };
      case 11:
        return { ...base, qtyLots: 0 };
      case 12:
        return { type: 'teleport' } as unknown as Body;
      case 13:
        return {
          ...base,
          orderType: 'limit',
          tif: 'gtd',
          priceTicks: this.price(m),
          expiresAt: this.ts - 1,
        };
      case 14:
        if (lo === undefined)
          return { type: 'createAccount', accountId: 1, userId: 1, subaccount: 0 };
        return { type: 'amendOrder', accountId: lo[1].accountId, orderId: lo[0], qtyLots: -100 };
      case 15:
        return { type: 'createInstrument', spec: { ...m.spec } };
      case 16:
        return { type: 'settleMarket', instrumentId: m.id, result: 'scalar', valueTicks: 20_000 };
      case 17:
        return { ...base, cancelOnPause: r.pick(['true', 1, null]) as unknown as boolean };
      default:
        return { ...base, orderType: 'limit', tif: 'gtc', priceTicks: Number.NaN };
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Body = DistributiveOmit<Command, 'seq' | 'ts'>;
