// The surveillance engine: fed every applied command with its events, in seq order, it runs the
// detectors and answers the alerts the command raised or extended. It is pure: time is the commands'
// `ts`, so the same stream gives the same alerts; who owns an account and each market's thresholds
// come from the functions it is given, read at the moment a detector needs them.

import type { Command, EngineEvent, OrderAccepted } from '@bourse/engine';
import type { Alert, FillEvidence } from './alerts.ts';
import { markingAlert, preSettlementAlerts } from './closing.ts';
import { MarketTape } from './market-tape.ts';
import { SpoofingDetector } from './spoofing.ts';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds.ts';
import { WashDetector } from './wash.ts';

/** One command as the engine applied it, with its events (the read models' `AppliedCommand`). */
export interface SurveilledCommand {
  readonly seq: number;
  readonly ts: number;
  readonly command: Command;
  readonly events: readonly EngineEvent[];
}

export interface SurveillanceOptions {
  /** The beneficial owner of an account: accounts with the same answer are one owner. */
  readonly ownerOf: (accountId: number) => string;
  /** A market's thresholds (default: DEFAULT_THRESHOLDS everywhere). */
  readonly thresholds?: (instrumentId: number) => Thresholds;
}

/** How often (in command time) the detectors drop what no window can reach any more. */
const PRUNE_EVERY_MS = 10_000;

export class Surveillance {
  readonly #tapes = new Map<number, MarketTape>();
  readonly #wash = new WashDetector();
  readonly #spoof = new SpoofingDetector();
  readonly #ownerOf: (accountId: number) => string;
  readonly #thresholds: (instrumentId: number) => Thresholds;
  #prunedAt = 0;

  constructor(options: SurveillanceOptions) {
    this.#ownerOf = options.ownerOf;
    this.#thresholds = options.thresholds ?? (() => DEFAULT_THRESHOLDS);
  }

  /** Makes a market known that was created before the stream began (a restart). */
  addMarket(instrumentId: number, tickSize: number): void {
    if (!this.#tapes.has(instrumentId)) {
      this.#tapes.set(instrumentId, new MarketTape(instrumentId, tickSize));
    }
  }

  /**
   * Restores what a market's windows held before a restart, from stored history: a trade (in seq
   * order), a resting book level, the mean of its resting orders' sizes, or that trading has ended.
   * Nothing here raises an alert: it was judged when it happened.
   */
  warm(
    w:
      | { kind: 'trade'; fill: FillEvidence }
      | {
          kind: 'level';
          instrumentId: number;
          side: 'buy' | 'sell';
          priceTicks: number;
          qtyLots: number;
        }
      | { kind: 'mean'; instrumentId: number; meanLots: number; count: number }
      | { kind: 'ended'; instrumentId: number; ts: number },
  ): void {
    const tape = this.#tapes.get(w.kind === 'trade' ? w.fill.instrumentId : w.instrumentId);
    if (tape === undefined) return;
    if (w.kind === 'trade') tape.trade(w.fill);
    else if (w.kind === 'level') tape.level(w.side, w.priceTicks, w.qtyLots);
    else if (w.kind === 'mean') {
      tape.meanRestedLots = w.meanLots;
      tape.restedCount = w.count;
    } else tape.endTs = w.ts;
  }

  /** Runs the detectors over one command; answers each alert it raised or extended, once. */
  feed(ac: SurveilledCommand): Alert[] {
    const raised = new Map<string, Alert>();
    const add = (a: Alert | undefined) => {
      if (a !== undefined) raised.set(a.alertId, a);
    };
    const accepted = new Map<number, OrderAccepted>();
    for (const e of ac.events) {
      switch (e.type) {
        case 'instrumentCreated':
          this.addMarket(e.spec.instrumentId, e.spec.tickSize);
          break;
        case 'orderAccepted':
          accepted.set(e.orderId, e);
          break;
        case 'orderRested':
          this.#rested(ac, e.orderId, e.instrumentId, e.priceTicks, e.openQtyLots, accepted);
          break;
        case 'fill':
          for (const a of this.#fill(ac, e)) add(a);
          break;
        case 'orderCancelled': {
          const t = this.#thresholds(e.instrumentId);
          add(this.#spoof.cancelled(e.orderId, e.reason, ac.seq, ac.ts, t));
          break;
        }
        case 'bookLevel':
          this.#tapes.get(e.instrumentId)?.level(e.side, e.priceTicks, e.qtyLots);
          break;
        case 'marketStatusChanged':
          if (e.status === 'closed') add(this.#end(e.instrumentId, ac));
          break;
        case 'marketSettled':
          add(this.#end(e.instrumentId, ac));
          for (const a of this.#settled(e.instrumentId, e.result, ac)) add(a);
          break;
        default:
          break;
      }
    }
    if (ac.ts - this.#prunedAt >= PRUNE_EVERY_MS) this.#prune(ac.ts);
    return [...raised.values()];
  }

  #rested(
    ac: SurveilledCommand,
    orderId: number,
    instrumentId: number,
    priceTicks: number,
    qtyLots: number,
    accepted: Map<number, OrderAccepted>,
  ): void {
    const tape = this.#tapes.get(instrumentId);
    const a = accepted.get(orderId);
    // A stop resting after its trigger was accepted in an earlier command: not tracked.
    if (tape === undefined || a === undefined) return;
    const o = {
      accountId: a.accountId,
      side: a.side,
      priceTicks,
      qtyLots,
      placedTs: ac.ts,
      placedSeq: orderId,
    };
    this.#spoof.rested(tape, o, this.#thresholds(instrumentId));
  }

  #fill(ac: SurveilledCommand, e: Extract<EngineEvent, { type: 'fill' }>): Alert[] {
    const f: FillEvidence = {
      tradeId: e.tradeId,
      instrumentId: e.instrumentId,
      seq: ac.seq,
      ts: ac.ts,
      priceTicks: e.priceTicks,
      qtyLots: e.qtyLots,
      takerSide: e.takerSide,
      takerAccountId: e.takerAccountId,
      makerAccountId: e.makerAccountId,
      takerOrderId: e.takerOrderId,
      makerOrderId: e.makerOrderId,
    };
    const t = this.#thresholds(e.instrumentId);
    const tape = this.#tapes.get(e.instrumentId);
    if (tape !== undefined) {
      tape.trade(f);
      tape.prune(ac.ts, Math.max(t.markWindowMs, t.preSettleWindowMs));
    }
    if (e.makerOpenQtyLots === 0) this.#spoof.gone(e.makerOrderId);
    const out = this.#spoof.fill(f, t);
    const wash = this.#wash.fill(f, this.#ownerOf, t);
    if (wash !== undefined) out.push(wash);
    return out;
  }

  /** The market stopped trading (closed, or settled while trading): marking the close, once. */
  #end(instrumentId: number, ac: SurveilledCommand): Alert | undefined {
    const tape = this.#tapes.get(instrumentId);
    if (tape === undefined || tape.endTs !== undefined) return undefined;
    tape.endTs = ac.ts;
    return markingAlert(tape, ac.seq, ac.ts, this.#thresholds(instrumentId));
  }

  #settled(instrumentId: number, result: 'yes' | 'no' | 'scalar', ac: SurveilledCommand): Alert[] {
    const tape = this.#tapes.get(instrumentId);
    if (tape === undefined) return [];
    const t = this.#thresholds(instrumentId);
    return preSettlementAlerts(tape, result, tape.endTs ?? ac.ts, ac.seq, ac.ts, t);
  }

  /** Drops what no market's window reaches any more (the longest windows of any market's thresholds). */
  #prune(ts: number): void {
    this.#prunedAt = ts;
    const longest = { ...DEFAULT_THRESHOLDS };
    for (const id of this.#tapes.keys()) {
      const t = this.#thresholds(id);
      longest.washEpisodeMs = Math.max(longest.washEpisodeMs, t.washEpisodeMs);
      longest.spoofMaxLifeMs = Math.max(longest.spoofMaxLifeMs, t.spoofMaxLifeMs);
      longest.spoofTradeWindowMs = Math.max(longest.spoofTradeWindowMs, t.spoofTradeWindowMs);
    }
    this.#wash.prune(ts, longest);
    this.#spoof.prune(ts, longest);
  }
}
