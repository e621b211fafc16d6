// Seeded whole-engine simulation: a long random stream of good and bad commands over many accounts
// and binary and spot markets. After every command it checks cheaply that a rejection changed
// nothing, no touched balance went negative and every touched account's open lots (what the
// position limit counts) equal its resting orders' open quantity; every 1,000 commands it runs
// `verifyInvariants`; at the end it replays the rest of the stream from snapshots taken at each
// quarter, and the whole stream from scratch, and every replay must reach the live engine's state
// hash with the same events. A failure names the seed: `SEED=<seed> node --test <this file>`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Command, Engine, type EngineEvent, verifyInvariants } from '../src/index.ts';
import { F_PARKED } from '../src/order-store.ts';
import { NIL } from '../src/slot.ts';
import { CommandGenerator } from './support/command-generator.ts';
import { Prng, seedFromEnv } from './support/prng.ts';

const SEED = seedFromEnv(20_261_123);
const COMMANDS = Number(process.env.SIM_COMMANDS ?? 200_000);
const ACCOUNTS = 60;
const BINARY_MARKETS = 8;
const SPOT_MARKETS = 3;
const CONFIG = { feeAccountId: 0, maxOpenOrdersPerAccount: 150 };
/** Events a command may emit alongside its own rejection: GTD expiry runs before every command. */
/** What time-driven work (GTD expiry, scheduled opening and closing) emits before any command. */
const TIME_EVENTS = new Set([
  'orderCancelled',
  'bookLevel',
  'balanceChanged',
  'positionChanged',
  'marketStatusChanged',
  'marketScheduled',
  'circuitBreakerChanged',
]);

/** Folds one integer into a 32-bit FNV-style running hash. */
function mix(h: number, x: number): number {
  h = Math.imul(h ^ (x | 0), 0x01000193);
  return Math.imul(h ^ Math.floor(x / 0x1_0000_0000), 0x01000193);
}

/**
 * A cheap picture of what a command could have changed: global counters plus its account/market.
 */
function fingerprint(e: Engine, c: Command): number {
  let h = 0x811c9dc5;
  h = mix(h, e.orderSlots.size);
  h = mix(h, e.tradeSeq);
  h = mix(h, e.maxOrderId);
  h = mix(h, e.transfers.size);
  h = mix(h, e.halted ? 1 : 0);
  h = mix(h, e.instList.length);
  h = mix(h, e.accountsById.size);
  h = mix(h, e.assetList.length);
  const accountId = (c as { accountId?: unknown }).accountId;
  const acct = typeof accountId === 'number' ? e.accountsById.get(accountId) : undefined;
  if (acct !== undefined) {
    for (let k = 0; k < acct.available.length; k++) {
      h = mix(mix(h, acct.available[k]!), acct.reserved[k]!);
    }
    h = mix(h, acct.openOrders);
    for (let k = 0; k < acct.openLots.length; k++) h = mix(h, acct.openLots[k] ?? 0);
    for (const p of acct.positions) {
      if (p !== undefined)
        h = mix(mix(mix(mix(h, p.lots), p.reservedYes), p.reservedNo), p.costBasis);
    }
  }
  const instrumentId = (c as { instrumentId?: unknown }).instrumentId;
  const inst = typeof instrumentId === 'number' ? e.instById.get(instrumentId) : undefined;
  if (inst !== undefined) {
    h = mix(mix(mix(h, inst.escrow), inst.openInterest), inst.lastPrice);
    h = mix(mix(mix(h, inst.book.best[0]!), inst.book.best[1]!), inst.stopCount);
    h = mix(h, inst.status.length + (inst.status.charCodeAt(0) << 8));
  }
  return h >>> 0;
}

const EVENT_CODES = new Map<string, number>();

/** Order-sensitive digest of a command's events (their kinds and the numbers that matter most). */
function digest(h: number, events: readonly EngineEvent[]): number {
  for (const ev of events) {
    let code = EVENT_CODES.get(ev.type);
    if (code === undefined) EVENT_CODES.set(ev.type, (code = EVENT_CODES.size + 1));
    h = mix(h, code);
    switch (ev.type) {
      case 'fill':
        h = mix(mix(mix(h, ev.takerOrderId), ev.makerOrderId), ev.priceTicks);
        h = mix(mix(mix(h, ev.qtyLots), ev.takerFee), ev.makerFee);
        break;
      case 'balanceChanged':
        h = mix(mix(mix(mix(h, ev.accountId), ev.assetId), ev.available), ev.reserved);
        break;
      case 'positionChanged':
        h = mix(mix(mix(mix(h, ev.accountId), ev.instrumentId), ev.positionLots), ev.costBasis);
        break;
      case 'orderCancelled':
        h = mix(mix(h, ev.orderId), ev.cancelledQtyLots + ev.reason.length * 1_000_003);
        break;
      case 'bookLevel':
        h = mix(mix(mix(h, ev.priceTicks), ev.qtyLots), ev.orderCount);
        break;
      case 'rejected':
        h = mix(h, ev.reason.length * 31 + ev.reason.charCodeAt(0));
        break;
      case 'settled':
        h = mix(mix(h, ev.accountId), ev.payout);
        break;
      default:
        break;
    }
  }
  return h;
}

class Stats {
  readonly counts = new Map<string, number>();
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}

function checkEvents(events: readonly EngineEvent[], bad: boolean, stats: Stats): boolean {
  let rejected = 0;
  for (const ev of events) {
    stats.add(ev.type);
    switch (ev.type) {
      case 'rejected':
        rejected++;
        stats.add(`reject:${ev.reason}`);
        break;
      case 'balanceChanged':
        assert.ok(
          Number.isSafeInteger(ev.available) &&
            ev.available >= 0 &&
            Number.isSafeInteger(ev.reserved) &&
            ev.reserved >= 0,
          `bad balance ${JSON.stringify(ev)}`,
        );
        break;
      case 'fill':
        assert.ok(
          ev.qtyLots > 0 && ev.takerFee >= 0 && ev.makerFee >= 0,
          `bad fill ${JSON.stringify(ev)}`,
        );
        assert.notEqual(ev.takerAccountId, ev.makerAccountId, 'self-trade');
        break;
      case 'orderCancelled':
        stats.add(`cancel:${ev.reason}`);
        break;
      case 'orderAccepted':
        stats.add(
          `accept:${ev.orderType}/${ev.tif}` +
            `${ev.postOnly ? '/post' : ''}${ev.reduceOnly ? '/reduce' : ''}`,
        );
        break;
      case 'marketSettled':
        assert.equal(ev.escrowLeft, 0);
        stats.add(`settle:${ev.result}`);
        break;
      default:
        break;
    }
  }
  assert.ok(rejected <= 1, 'more than one rejection for one command');
  if (bad) assert.equal(rejected, 1, 'a bad command was accepted');
  if (rejected === 1) {
    for (const ev of events) {
      if (ev.type === 'rejected') continue;
      assert.ok(TIME_EVENTS.has(ev.type), `rejected command also emitted ${ev.type}`);
      if (ev.type === 'orderCancelled')
        assert.ok(ev.reason === 'expired' || ev.reason === 'marketClosed');
      if (ev.type === 'marketStatusChanged')
        assert.ok(ev.status === 'open' || ev.status === 'closed');
    }
  }
  return rejected === 1 && events.length === 1;
}

/**
 * Balance, position and book-level events carry absolute values, once per record per command, so a
 * projection can apply them blindly: each must be unique within the command and equal the final
 * state.
 */
function checkAbsoluteEvents(e: Engine, events: readonly EngineEvent[]): void {
  const seen = new Set<string>();
  for (const ev of events) {
    let key: string;
    if (ev.type === 'balanceChanged') {
      key = `b${ev.accountId}/${ev.assetId}`;
      const b = e.balance(ev.accountId, ev.assetId);
      assert.ok(
        b.available === ev.available && b.reserved === ev.reserved,
        `stale ${JSON.stringify(ev)}`,
      );
    } else if (ev.type === 'positionChanged') {
      key = `p${ev.accountId}/${ev.instrumentId}`;
      const p = e.position(ev.accountId, ev.instrumentId)!;
      assert.ok(
        p.positionLots === ev.positionLots && p.costBasis === ev.costBasis,
        `stale ${JSON.stringify(ev)}`,
      );
    } else if (ev.type === 'bookLevel') {
      key = `l${ev.instrumentId}/${ev.side}/${ev.priceTicks}`;
      const inst = e.instById.get(ev.instrumentId)!;
      const level = (ev.priceTicks - inst.spec.minPriceTicks) / inst.spec.tickSize;
      const k = (ev.side === 'buy' ? 0 : inst.book.levels) + level;
      assert.ok(
        inst.book.qty[k] === ev.qtyLots && inst.book.count[k] === ev.orderCount,
        `stale ${JSON.stringify(ev)}`,
      );
    } else continue;
    assert.ok(!seen.has(key), `two ${ev.type} events for ${key} in one command`);
    seen.add(key);
  }
}

/** The account of every live order seen, so events that carry only an order id lead to one. */
class OrderAccounts {
  private readonly byOrder = new Map<number, number>();

  /** Adds to `out` every account whose orders the events touched, and follows order lifetimes. */
  touched(events: readonly EngineEvent[], out: Set<number>): void {
    for (const ev of events) {
      switch (ev.type) {
        case 'orderAccepted':
          this.byOrder.set(ev.orderId, ev.accountId);
          out.add(ev.accountId);
          break;
        case 'orderCancelled':
          this.byOrder.delete(ev.orderId);
          out.add(ev.accountId);
          break;
        case 'orderAmended':
          out.add(ev.accountId);
          break;
        case 'orderRested':
        case 'orderTriggered': {
          const a = this.byOrder.get(ev.orderId);
          if (a !== undefined) out.add(a);
          break;
        }
        case 'fill':
          out.add(ev.takerAccountId);
          out.add(ev.makerAccountId);
          if (ev.takerOpenQtyLots === 0) this.byOrder.delete(ev.takerOrderId);
          if (ev.makerOpenQtyLots === 0) this.byOrder.delete(ev.makerOrderId);
          break;
        default:
          break;
      }
    }
  }
}

/**
 * An account's open lots per instrument and side, recounted from its resting (not parked) orders,
 * must equal what the engine keeps. `verifyInvariants` recounts every account from the books.
 */
function checkOpenLots(e: Engine, accountId: number): void {
  const a = e.accountsById.get(accountId);
  if (a === undefined) return;
  const s = e.store;
  const width = 2 * e.instList.length;
  const want = new Array<number>(width).fill(0);
  for (let o = a.orderHead; o !== NIL; o = s.acctNext[o]!) {
    if ((s.flags[o]! & F_PARKED) === 0) want[2 * s.inst[o]! + s.side[o]!]! += s.open[o]!;
  }
  for (let k = 0; k < width; k++) {
    const kept: number = a.openLots[k] ?? 0;
    if (kept !== want[k]) {
      const inst = e.instList[k >> 1]!.spec.instrumentId;
      assert.fail(
        `account ${accountId} inst ${inst} side ${k & 1}: open lots ${kept} ≠ ${want[k]}`,
      );
    }
  }
}

function invariants(e: Engine, where: string): void {
  const v = verifyInvariants(e);
  assert.deepEqual(v, [], `invariants broken ${where}`);
}

test(`seeded simulation: ${COMMANDS} commands, ${ACCOUNTS} accounts (SEED=${SEED})`, (t) => {
  const gen = new CommandGenerator(new Prng(SEED), ACCOUNTS, BINARY_MARKETS, SPOT_MARKETS);
  const engine = new Engine(CONFIG);
  gen.fundsOf = (accountId, assetId) => engine.balance(accountId, assetId).available;
  const stream: Command[] = [];
  const stats = new Stats();
  /**
   * Snapshots at each quarter: where the replay starts, its bytes, and the live events from there.
   */
  const cuts = [1, 2, 3].map((q) => ({
    at: Math.floor((COMMANDS * q) / 4),
    bytes: new Uint8Array() as Uint8Array,
    digest: 0x811c9dc5,
  }));
  const orderAccounts = new OrderAccounts();
  const touched = new Set<number>();
  let liveDigest = 0x811c9dc5;
  let badSeen = 0;
  let hashedRejections = 0;
  let i = 0;
  try {
    for (; i < COMMANDS; i++) {
      const { command, bad } = gen.next();
      stream.push(command);
      // Full hashes are costly: take one before every 40th bad command and every 500th command.
      const fullCheck = bad ? badSeen++ % 40 === 0 : i % 500 === 0;
      const hashBefore = fullCheck ? engine.stateHash() : '';
      const fpBefore = fingerprint(engine, command);
      const events = engine.apply(command);
      const onlyRejected = checkEvents(events, bad, stats);
      checkAbsoluteEvents(engine, events);
      touched.clear();
      const accountId = (command as { accountId?: unknown }).accountId;
      if (typeof accountId === 'number') touched.add(accountId);
      orderAccounts.touched(events, touched);
      for (const a of touched) checkOpenLots(engine, a);
      if (onlyRejected) {
        assert.equal(fingerprint(engine, command), fpBefore, 'a rejected command changed state');
        if (fullCheck) {
          hashedRejections++;
          assert.equal(engine.stateHash(), hashBefore, 'a rejected command changed the state hash');
        }
      }
      liveDigest = digest(liveDigest, events);
      for (const cut of cuts) if (i >= cut.at) cut.digest = digest(cut.digest, events);
      gen.observe(events);
      if (i % 1000 === 999) invariants(engine, `after command ${i}`);
      for (const cut of cuts) if (i === cut.at - 1) cut.bytes = engine.snapshot();
    }
    invariants(engine, 'at the end');
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(
      `simulation failed at command #${i} ${JSON.stringify(stream[i])}\n` +
        `reproduce: SEED=${SEED} node --test packages/engine/test/simulation.test.ts\n${msg}`,
      { cause: err },
    );
  }
  const liveHash = engine.stateHash();

  // The rest of the stream replayed from each snapshot reaches the same state with the same events.
  for (const cut of cuts) {
    const restored = Engine.restore(cut.bytes);
    let restoredDigest = 0x811c9dc5;
    for (let j = cut.at; j < stream.length; j++) {
      restoredDigest = digest(restoredDigest, restored.apply(stream[j]!));
    }
    const from = `from the snapshot after command ${cut.at} (SEED=${SEED})`;
    assert.equal(restored.stateHash(), liveHash, `restore + replay diverged ${from}`);
    assert.equal(restoredDigest, cut.digest, `restore + replay emitted other events ${from}`);
  }

  // The whole stream replayed into a fresh engine is bit-for-bit the same run.
  const fresh = new Engine(CONFIG);
  let freshDigest = 0x811c9dc5;
  for (const c of stream) freshDigest = digest(freshDigest, fresh.apply(c));
  assert.equal(fresh.stateHash(), liveHash, `replay from scratch diverged (SEED=${SEED})`);
  assert.equal(freshDigest, liveDigest, `replay from scratch emitted other events (SEED=${SEED})`);

  const top = [...stats.counts].sort((a, b) => b[1] - a[1]);
  t.diagnostic(
    `hashed rejections ${hashedRejections}; ${top.map(([k, n]) => `${k}=${n}`).join(' ')}`,
  );
  // The stream really exercised the engine.
  if (COMMANDS >= 200_000) {
    assert.ok(stats.get('fill') > 20_000, `only ${stats.get('fill')} fills`);
    assert.ok(hashedRejections > 300, `only ${hashedRejections} fully hashed rejections`);
    // Resting orders reach the position limit of the markets that have one.
    const limited = stats.get('reject:POSITION_LIMIT');
    assert.ok(limited > 300, `only ${limited} position-limit rejections`);
    for (const reason of [
      'user',
      'cancelAll',
      'ioc',
      'expired',
      'selfTrade',
      'marketClosed',
      'paused',
      'protection',
      'decreasedToZero',
      'noLiquidity',
      'reduceOnly',
      'orderGroup',
      'circuitBreaker',
    ]) {
      assert.ok(stats.get(`cancel:${reason}`) > 0, `no cancel for ${reason}`);
    }
    for (const kind of [
      'limit/gtc',
      'limit/gtd',
      'limit/ioc',
      'limit/fok',
      'market/ioc',
      'market/fok',
      'stop/ioc',
      'stopLimit/gtc',
      'limit/gtc/post',
      'limit/gtc/reduce',
    ]) {
      assert.ok(stats.get(`accept:${kind}`) > 0, `no accepted ${kind} order`);
    }
    for (const t of ['orderTriggered', 'orderAmended', 'settled', 'ledgerMoved', 'haltChanged']) {
      assert.ok(stats.get(t) > 0, `no ${t} event`);
    }
    for (const code of [
      'UNKNOWN_ACCOUNT',
      'UNKNOWN_INSTRUMENT',
      'UNKNOWN_ORDER',
      'NOT_ORDER_OWNER',
      'PRICE_OFF_GRID',
      'INVALID_QUANTITY',
      'DUPLICATE_ORDER_ID',
      'DUPLICATE_TRANSFER',
      'DUPLICATE_CLIENT_ORDER_ID',
      'INSUFFICIENT_FUNDS',
      'FOK_NOT_FILLABLE',
      'POST_ONLY_WOULD_CROSS',
      'REDUCE_ONLY_WOULD_INCREASE',
      'UNKNOWN_COMMAND',
      'EXPIRY_IN_PAST',
    ]) {
      assert.ok(stats.get(`reject:${code}`) > 0, `no ${code} rejection`);
    }
    assert.ok(gen.openMarketCount() >= 10, 'markets ran out');
  }
});
