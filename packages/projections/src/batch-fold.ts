// The pure heart of the projector: folds one batch of applied commands into the rows to write, given
// the prior state it needs (touched orders, positions before the batch's fills, instrument terms).
// It does no I/O, so the same fold feeds every SQL backend. Latest-value tables (orders, positions,
// balances, instruments) are keyed maps so each key is written once per batch; append-only tables
// (fills, trades, ledger, settlements, audit) are lists; candles are aggregated per bucket and merged
// into the stored bucket by the upsert.

import type {
  CancelReason,
  Command,
  EngineEvent,
  Fill,
  MarketSettled,
  OrderAccepted,
  OrderAmended,
  PositionChanged,
  Rejected,
  Settled,
  Side,
} from '@bourse/engine';
import { bucketStart, CANDLE_INTERVALS } from '@bourse/marketdata';
import { auditRow, instrumentRow, rejectedOrderRow } from './command-rows.ts';
import type { AppliedCommand } from './read-models.ts';
import type {
  AccountsTable,
  AssetsTable,
  AuditTable,
  BalancesTable,
  CandlesTable,
  FillsTable,
  InstrumentsTable,
  LedgerTable,
  OrdersTable,
  PositionsTable,
  SettlementsTable,
  TradesTable,
} from './schema.ts';
import { type CashTerms, binaryLegCash, positionDelta, spotLegCash } from './trade-cash.ts';

/** What the fold reads from before the batch; the shell preloads it from `collectReferences`. */
export interface PriorState {
  instrument(instrumentId: number): InstrumentsTable | undefined;
  order(orderId: number): OrdersTable | undefined;
  /** Position before the batch (0 when none). */
  positionLots(accountId: number, instrumentId: number): number;
}

export interface BatchWrites {
  readonly assets: AssetsTable[];
  readonly accounts: AccountsTable[];
  readonly instruments: Map<number, InstrumentsTable>;
  readonly orders: Map<number, OrdersTable>;
  readonly fills: FillsTable[];
  readonly trades: TradesTable[];
  readonly ledger: LedgerTable[];
  readonly positions: Map<string, PositionsTable>;
  readonly balances: Map<string, BalancesTable>;
  readonly candles: Map<string, CandlesTable>;
  readonly settlements: SettlementsTable[];
  readonly audit: AuditTable[];
  lastSeq: number;
  lastTs: number;
}

/** Prior rows the fold will ask for: orders not created in the batch, positions touched by fills. */
export interface BatchReferences {
  readonly orderIds: number[];
  readonly positionKeys: (readonly [accountId: number, instrumentId: number])[];
}

export function collectReferences(batch: readonly AppliedCommand[]): BatchReferences {
  const created = new Set<number>();
  const orderIds = new Set<number>();
  const positions = new Map<string, readonly [number, number]>();
  for (const ac of batch) {
    for (const e of ac.events) {
      if (e.type === 'orderAccepted') created.add(e.orderId);
      else if (e.type === 'fill') {
        if (!created.has(e.makerOrderId)) orderIds.add(e.makerOrderId);
        if (!created.has(e.takerOrderId)) orderIds.add(e.takerOrderId);
        positions.set(key2(e.takerAccountId, e.instrumentId), [e.takerAccountId, e.instrumentId]);
        positions.set(key2(e.makerAccountId, e.instrumentId), [e.makerAccountId, e.instrumentId]);
      } else if (
        e.type === 'orderCancelled' ||
        e.type === 'orderAmended' ||
        e.type === 'orderRested' ||
        e.type === 'orderTriggered' ||
        e.type === 'orderParked'
      ) {
        if (!created.has(e.orderId)) orderIds.add(e.orderId);
      }
    }
  }
  return { orderIds: [...orderIds], positionKeys: [...positions.values()] };
}

export function foldBatch(
  batch: readonly AppliedCommand[],
  prior: PriorState,
  feeAccountId: number,
): BatchWrites {
  const fold = new BatchFold(prior, feeAccountId);
  for (const ac of batch) fold.command(ac);
  return fold.writes;
}

export function key2(a: number, b: number): string {
  return `${a}:${b}`;
}

class BatchFold {
  readonly writes: BatchWrites = {
    assets: [],
    accounts: [],
    instruments: new Map(),
    orders: new Map(),
    fills: [],
    trades: [],
    ledger: [],
    positions: new Map(),
    balances: new Map(),
    candles: new Map(),
    settlements: [],
    audit: [],
    lastSeq: 0,
    lastTs: 0,
  };
  readonly #prior: PriorState;
  readonly #feeAccountId: number;
  /** Positions as the fold has evolved them through the batch's fills. */
  readonly #positionLots = new Map<string, number>();
  #seq = 0;
  #ts = 0;
  #ledgerIdx = 0;
  #settledNow: SettlementsTable[] = [];
  /** Fees the fee account earned in the current command, per asset: one ledger row each. */
  readonly #feeIncome = new Map<number, number>();

  constructor(prior: PriorState, feeAccountId: number) {
    this.#prior = prior;
    this.#feeAccountId = feeAccountId;
  }

  command(ac: AppliedCommand): void {
    this.#seq = ac.seq;
    this.#ts = ac.ts;
    this.#ledgerIdx = 0;
    this.#settledNow = [];
    let rejected: Rejected | undefined;
    let marketSettled: MarketSettled | undefined;
    for (const e of ac.events) {
      if (e.type === 'rejected') rejected = e;
      else if (e.type === 'marketSettled') marketSettled = e;
      this.#event(e);
    }
    if (rejected !== undefined && ac.command.type === 'placeOrder') {
      const row = rejectedOrderRow(ac.seq, ac.ts, ac.command, rejected);
      if (row !== undefined) this.writes.orders.set(row.order_id, row);
    }
    this.#finishSettlements(ac.command, marketSettled);
    for (const [assetId, amount] of this.#feeIncome) {
      this.#ledger(this.#feeAccountId, assetId, 'fee', amount, null, null);
    }
    this.#feeIncome.clear();
    this.writes.audit.push(auditRow(ac.seq, ac.ts, ac.command, ac.events.length, rejected));
    this.writes.lastSeq = ac.seq;
    this.writes.lastTs = ac.ts;
  }

  #event(e: EngineEvent): void {
    const w = this.writes;
    switch (e.type) {
      case 'rejected':
      case 'haltChanged':
      case 'accountFrozenChanged':
      case 'bookLevel':
      case 'orderParked':
      case 'orderTriggered':
      case 'marketSettled':
      case 'marketScheduled':
      case 'circuitBreakerChanged':
      case 'orderGroupUpdated':
      case 'orderGroupDeleted':
        return;
      case 'assetCreated':
        w.assets.push({
          asset_id: e.assetId,
          code: e.code,
          scale: e.scale,
          created_seq: this.#seq,
        });
        return;
      case 'accountCreated':
        w.accounts.push({
          account_id: e.accountId,
          user_id: e.userId,
          subaccount: e.subaccount,
          created_seq: this.#seq,
        });
        return;
      case 'ledgerMoved':
        this.#ledger(e.accountId, e.assetId, e.kind, e.amount, null, e.transferId ?? null);
        return;
      case 'instrumentCreated':
        w.instruments.set(e.spec.instrumentId, instrumentRow(e.spec, this.#seq));
        return;
      case 'marketStatusChanged':
        this.#instrumentForUpdate(e.instrumentId).status = e.status;
        return;
      case 'orderAccepted':
        w.orders.set(e.orderId, this.#acceptedRow(e));
        return;
      case 'orderRested':
        this.#orderForUpdate(e.orderId).open_qty_lots = e.openQtyLots;
        return;
      case 'fill':
        this.#fill(e);
        return;
      case 'orderCancelled':
        this.#cancel(e.orderId, e.reason);
        return;
      case 'orderAmended':
        this.#amended(e);
        return;
      case 'balanceChanged':
        w.balances.set(key2(e.accountId, e.assetId), {
          account_id: e.accountId,
          asset_id: e.assetId,
          available: e.available,
          reserved: e.reserved,
          updated_seq: this.#seq,
        });
        return;
      case 'positionChanged':
        this.#position(e);
        return;
      case 'settled':
        this.#settled(e);
        return;
      default:
        assertNever(e);
    }
  }

  #amended(e: OrderAmended): void {
    const o = this.#orderForUpdate(e.orderId);
    o.price_ticks = e.priceTicks;
    o.open_qty_lots = e.openQtyLots;
    o.qty_lots = o.filled_qty_lots + e.openQtyLots;
  }

  #position(e: PositionChanged): void {
    const k = key2(e.accountId, e.instrumentId);
    this.#positionLots.set(k, e.positionLots);
    this.writes.positions.set(k, {
      account_id: e.accountId,
      instrument_id: e.instrumentId,
      position_lots: e.positionLots,
      cost_basis: e.costBasis,
      realised_pnl: e.realisedPnl,
      fees_paid: e.feesPaid,
      updated_seq: this.#seq,
    });
  }

  #acceptedRow(e: OrderAccepted): OrdersTable {
    return {
      order_id: e.orderId,
      account_id: e.accountId,
      instrument_id: e.instrumentId,
      client_order_id: e.clientOrderId ?? null,
      side: e.side,
      order_type: e.orderType,
      tif: e.tif,
      price_ticks: e.priceTicks,
      stop_price_ticks: e.stopPriceTicks ?? null,
      qty_lots: e.qtyLots,
      open_qty_lots: e.qtyLots,
      filled_qty_lots: 0,
      filled_notional: 0,
      fees_paid: 0,
      status: 'open',
      cancel_reason: null,
      reject_reason: null,
      post_only: e.postOnly ? 1 : 0,
      reduce_only: e.reduceOnly ? 1 : 0,
      cancel_on_pause: e.cancelOnPause ? 1 : 0,
      expires_at: e.expiresAt ?? null,
      created_seq: this.#seq,
      created_ts: this.#ts,
      updated_seq: this.#seq,
      updated_ts: this.#ts,
    };
  }

  #fill(e: Fill): void {
    const makerSide: Side = e.takerSide === 'buy' ? 'sell' : 'buy';
    const base = { seq: this.#seq, ts: this.#ts, instrument_id: e.instrumentId };
    const px = { price_ticks: e.priceTicks, qty_lots: e.qtyLots };
    this.writes.trades.push({
      trade_id: e.tradeId,
      ...base,
      ...px,
      taker_side: e.takerSide,
      taker_order_id: e.takerOrderId,
      maker_order_id: e.makerOrderId,
    });
    this.writes.fills.push(
      {
        trade_id: e.tradeId,
        role: 'taker',
        ...base,
        order_id: e.takerOrderId,
        account_id: e.takerAccountId,
        side: e.takerSide,
        ...px,
        fee: e.takerFee,
      },
      {
        trade_id: e.tradeId,
        role: 'maker',
        ...base,
        order_id: e.makerOrderId,
        account_id: e.makerAccountId,
        side: makerSide,
        ...px,
        fee: e.makerFee,
      },
    );
    this.#orderFilled(e.takerOrderId, e, e.takerFee, e.takerOpenQtyLots);
    this.#orderFilled(e.makerOrderId, e, e.makerFee, e.makerOpenQtyLots);
    const terms = this.#terms(e.instrumentId);
    this.#legCash(terms, e, e.takerAccountId, e.takerSide);
    this.#legCash(terms, e, e.makerAccountId, makerSide);
    this.#fees(terms, e);
    this.#candles(e);
  }

  #orderFilled(orderId: number, e: Fill, fee: number, openQtyLots: number): void {
    const o = this.#orderForUpdate(orderId);
    o.filled_qty_lots += e.qtyLots;
    o.filled_notional += e.priceTicks * e.qtyLots;
    o.fees_paid += fee;
    o.open_qty_lots = openQtyLots;
    if (openQtyLots === 0) o.status = 'filled';
  }

  #legCash(terms: CashTerms, e: Fill, accountId: number, side: Side): void {
    if (terms.kind === 'spot') {
      for (const leg of spotLegCash(terms, side, e.priceTicks, e.qtyLots)) {
        this.#ledger(accountId, leg.assetId, 'trade', leg.amount, e.tradeId, null);
      }
      return;
    }
    const k = key2(accountId, e.instrumentId);
    const before = this.#positionLots.get(k) ?? this.#prior.positionLots(accountId, e.instrumentId);
    const cash = binaryLegCash(terms, side, before, e.priceTicks, e.qtyLots);
    this.#positionLots.set(k, before + positionDelta(side, e.qtyLots));
    this.#ledger(accountId, terms.moneyAssetId, 'trade', cash, e.tradeId, null);
  }

  #fees(terms: CashTerms, e: Fill): void {
    const asset = terms.moneyAssetId;
    this.#ledger(e.takerAccountId, asset, 'fee', -e.takerFee, e.tradeId, null);
    this.#ledger(e.makerAccountId, asset, 'fee', -e.makerFee, e.tradeId, null);
    this.#feeIncome.set(asset, (this.#feeIncome.get(asset) ?? 0) + e.takerFee + e.makerFee);
  }

  #candles(e: Fill): void {
    for (const period of CANDLE_INTERVALS) {
      const bucket = bucketStart(this.#ts, period);
      const k = `${e.instrumentId}:${period}:${bucket}`;
      const c = this.writes.candles.get(k);
      const notional = e.priceTicks * e.qtyLots;
      if (c === undefined) {
        this.writes.candles.set(k, {
          instrument_id: e.instrumentId,
          period,
          bucket_ts: bucket,
          open_ticks: e.priceTicks,
          high_ticks: e.priceTicks,
          low_ticks: e.priceTicks,
          close_ticks: e.priceTicks,
          volume_lots: e.qtyLots,
          notional,
          trade_count: 1,
        });
      } else {
        c.high_ticks = Math.max(c.high_ticks, e.priceTicks);
        c.low_ticks = Math.min(c.low_ticks, e.priceTicks);
        c.close_ticks = e.priceTicks;
        c.volume_lots += e.qtyLots;
        c.notional += notional;
        c.trade_count += 1;
      }
    }
  }

  #cancel(orderId: number, reason: CancelReason): void {
    const o = this.#orderForUpdate(orderId);
    o.status = 'cancelled';
    o.cancel_reason = reason;
    o.open_qty_lots = 0;
  }

  #settled(e: Settled): void {
    const terms = this.#terms(e.instrumentId);
    this.#positionLots.set(key2(e.accountId, e.instrumentId), 0);
    this.#ledger(e.accountId, terms.moneyAssetId, 'settlement', e.payout, e.instrumentId, null);
    const row: SettlementsTable = {
      instrument_id: e.instrumentId,
      account_id: e.accountId,
      seq: this.#seq,
      ts: this.#ts,
      result: '',
      value_ticks: 0,
      position_lots: e.positionLots,
      payout: e.payout,
      realised_pnl: e.realisedPnl,
    };
    this.#settledNow.push(row);
    this.writes.settlements.push(row);
  }

  /** Stamps the command's settlement rows with the market's result once the command is complete. */
  #finishSettlements(command: Command, marketSettled: MarketSettled | undefined): void {
    if (marketSettled !== undefined) {
      const inst = this.#instrumentForUpdate(marketSettled.instrumentId);
      inst.status = 'settled';
      inst.result = marketSettled.result;
      inst.value_ticks = marketSettled.valueTicks;
    }
    if (this.#settledNow.length === 0) return;
    const result = marketSettled?.result ?? (command.type === 'settleMarket' ? command.result : '');
    const valueTicks = marketSettled?.valueTicks ?? 0;
    for (const row of this.#settledNow) {
      row.result = result;
      row.value_ticks = valueTicks;
    }
  }

  #ledger(
    accountId: number,
    assetId: number,
    kind: string,
    amount: number,
    refId: number | null,
    transferId: string | null,
  ): void {
    // Zero movements (a free fill, a losing settlement) add rows without adding information.
    if (amount === 0) return;
    this.writes.ledger.push({
      seq: this.#seq,
      idx: this.#ledgerIdx++,
      ts: this.#ts,
      account_id: accountId,
      asset_id: assetId,
      kind,
      amount,
      ref_id: refId,
      transfer_id: transferId,
    });
  }

  #orderForUpdate(orderId: number): OrdersTable {
    let o = this.writes.orders.get(orderId);
    if (o === undefined) {
      const prior = this.#prior.order(orderId);
      if (prior === undefined) {
        throw new Error(
          `read model has no order ${orderId} (seq ${this.#seq}): events out of order`,
        );
      }
      o = { ...prior };
      this.writes.orders.set(orderId, o);
    }
    o.updated_seq = this.#seq;
    o.updated_ts = this.#ts;
    return o;
  }

  #instrumentForUpdate(instrumentId: number): InstrumentsTable {
    let inst = this.writes.instruments.get(instrumentId);
    if (inst === undefined) {
      const prior = this.#prior.instrument(instrumentId);
      if (prior === undefined) {
        throw new Error(`read model has no instrument ${instrumentId} (seq ${this.#seq})`);
      }
      inst = { ...prior };
      this.writes.instruments.set(instrumentId, inst);
    }
    inst.updated_seq = this.#seq;
    return inst;
  }

  #terms(instrumentId: number): CashTerms {
    const inst = this.writes.instruments.get(instrumentId) ?? this.#prior.instrument(instrumentId);
    if (inst === undefined) {
      throw new Error(`read model has no instrument ${instrumentId} (seq ${this.#seq})`);
    }
    return {
      kind: inst.kind === 'spot' ? 'spot' : 'binary',
      moneyAssetId: inst.money_asset_id,
      baseAssetId: inst.base_asset_id,
      payoutTicks: inst.payout_ticks,
      moneyPerTickLot: inst.money_per_tick_lot,
      baseUnitsPerLot: inst.base_units_per_lot,
    };
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled engine event ${JSON.stringify(x)}`);
}
