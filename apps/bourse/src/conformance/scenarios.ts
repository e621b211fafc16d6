// Conformance v1's scenarios (docs/conformance.md): each injects one kind of failure into the bot's
// own traffic, drives the bot through the line protocol, and judges from the exchange's side — the
// sandbox's record of what it injected, the account's orders, the exchange's book — whether the bot
// survived it. A scenario passes only when the fault was really applied to the bot's traffic.

import { setTimeout as sleep } from 'node:timers/promises';
import type { RestClient } from '@bourse/client';
import type { BotMessage, FaultBody, KitMessage } from '@bourse/protocol';
import type { KitAccount, KitExchange } from './kit-exchange.ts';

export interface ScenarioContext {
  readonly kit: KitExchange;
  /** The bot's account (the kit holds its key too, to read its orders once faults are cleared). */
  readonly account: KitAccount;
  /** Another account that moves the book and trades with the bot. */
  readonly counterparty: RestClient;
  readonly market: string;
  ask(message: KitMessage, timeoutMs?: number): Promise<BotMessage>;
  /** Adds a fault to the bot's account; it is cleared when the scenario ends. */
  fault(body: Omit<FaultBody, 'account'>): Promise<number>;
  /** What was injected into the bot's traffic since the scenario began. */
  injected(): Promise<number>;
  clearFaults(): Promise<void>;
}

export interface Verdict {
  readonly pass: boolean;
  readonly detail: string;
}

export interface Scenario {
  readonly name: string;
  /** What a conformant client does, in one line. */
  readonly expects: string;
  run(ctx: ScenarioContext): Promise<Verdict>;
}

const pass = (detail: string): Verdict => ({ pass: true, detail });
const fail = (detail: string): Verdict => ({ pass: false, detail });

/** How long a bot has to get its view right again after a failure. */
const RESYNC_MS = 15_000;
const PLACE_MS = 30_000;

/** The account's open orders at a price (read after the faults are cleared). */
async function ordersAt(ctx: ScenarioContext, priceTicks: number): Promise<number[]> {
  const open = (await ctx.account.rest.openOrders()).items;
  return open
    .filter((o) => o.market === ctx.market && o.priceTicks === priceTicks)
    .map((o) => o.orderId as number);
}

/** Places one intent through the bot under a REST fault and judges "placed, exactly once". */
function placeOnce(
  name: string,
  expects: string,
  fault: Omit<FaultBody, 'account'>,
  priceTicks: number,
  extra?: (injected: number) => Verdict | undefined,
): Scenario {
  return {
    name,
    expects,
    async run(ctx) {
      const t0 = Date.now();
      await ctx.fault(fault);
      const answer = await ctx.ask(
        { op: 'place', intent: 'i1', side: 'buy', priceTicks, qtyLots: 100 },
        PLACE_MS,
      );
      // A delayed request still runs when its latency ends, whatever the bot did meanwhile.
      const settle = t0 + (fault.latencyMs ?? 0) + 1_000 - Date.now();
      if (fault.latencyMs !== undefined && settle > 0) await sleep(settle);
      const injected = await ctx.injected();
      await ctx.clearFaults();
      if (injected === 0) return fail('the fault was never applied: the bot sent no REST order');
      const early = extra?.(injected);
      if (early !== undefined) return early;
      const orders = await ordersAt(ctx, priceTicks);
      if (orders.length !== 1) {
        return fail(`${orders.length} orders rest for one intent (${injected} faults applied)`);
      }
      if (answer.op !== 'placed') {
        return fail(`the order was placed but the bot reported: ${JSON.stringify(answer)}`);
      }
      if (answer.orderId !== orders[0]) {
        return fail(`the bot reported order ${answer.orderId}; the exchange has ${orders[0]}`);
      }
      return pass(`placed once as order ${orders[0]} (${injected} faults applied)`);
    },
  };
}

type Side = readonly (readonly number[])[];
const levels = (s: { bids: Side; asks: Side }) =>
  JSON.stringify([s.bids.map((l) => [l[0], l[1]]), s.asks.map((l) => [l[0], l[1]])]);

/** Polls the bot's view until it equals the exchange's book, for at most RESYNC_MS. */
async function bookAgrees(ctx: ScenarioContext): Promise<Verdict> {
  const end = Date.now() + RESYNC_MS;
  let last = '';
  for (;;) {
    const theirs = levels(await ctx.kit.book(ctx.market));
    const mine = await ctx.ask({ op: 'book' }, 5_000);
    last = 'syncing' in mine ? 'still resynchronising' : mine.op === 'book' ? levels(mine) : '?';
    if (last === theirs) return pass(`its book equals the exchange's: ${theirs}`);
    if (Date.now() > end) {
      return fail(`after ${RESYNC_MS / 1000} s its book is ${last}; the exchange's is ${theirs}`);
    }
    await sleep(250);
  }
}

/** A book fault, then the counterparty moves the book; the bot's view must come right. */
function bookScenario(
  name: string,
  expects: string,
  fault: Omit<FaultBody, 'account'>,
  prices: readonly number[],
): Scenario {
  return {
    name,
    expects,
    async run(ctx) {
      await ctx.fault(fault);
      for (const priceTicks of prices) {
        await ctx.counterparty.placeOrder({
          market: ctx.market,
          side: 'buy',
          priceTicks,
          qtyLots: 100,
        });
      }
      const verdict = await bookAgrees(ctx);
      const injected = await ctx.injected();
      await ctx.clearFaults();
      if (injected === 0) {
        return fail('the fault was never applied: the bot follows no book on a socket');
      }
      return verdict;
    },
  };
}

const duplicateFill: Scenario = {
  name: 'duplicate-message',
  expects: 'a message delivered twice (a fill) is counted once',
  async run(ctx) {
    await ctx.counterparty.placeOrder({
      market: ctx.market,
      side: 'sell',
      priceTicks: 5_000,
      qtyLots: 100,
    });
    await ctx.fault({ kind: 'duplicateMessages', channel: 'fills', count: 1 });
    const answer = await ctx.ask(
      { op: 'place', intent: 'f1', side: 'buy', priceTicks: 5_000, qtyLots: 100 },
      PLACE_MS,
    );
    if (answer.op !== 'placed') return fail(`the order failed: ${JSON.stringify(answer)}`);
    const end = Date.now() + RESYNC_MS;
    while ((await ctx.injected()) === 0) {
      if (Date.now() > end) return fail('the fault was never applied: no fills channel followed');
      await sleep(100);
    }
    await ctx.clearFaults();
    // Both copies left in one write; give the bot a moment, then ask twice.
    await sleep(300);
    const seen: number[] = [];
    for (let i = 0; i < 2; i++) {
      const m = await ctx.ask({ op: 'filled' }, 5_000);
      seen.push(m.op === 'filled' ? m.lots : Number.NaN);
      await sleep(200);
    }
    return seen.every((lots) => lots === 100)
      ? pass('100 lots filled, counted once')
      : fail(`the bot counts ${seen.join(', then ')} lots filled; the exchange filled 100`);
  },
};

/** conformance v1, in the order the report lists them. */
export const SCENARIOS_V1: readonly Scenario[] = [
  placeOnce(
    'retry-after',
    'after a 429 it sends nothing before Retry-After has elapsed, then succeeds',
    { kind: 'rateLimit', retryAfterSeconds: 2 },
    1_000,
    (injected) =>
      injected > 1
        ? fail(`${injected} requests were refused: it came back before Retry-After elapsed`)
        : undefined,
  ),
  placeOnce(
    'lost-answer',
    'an order whose answer is lost (5xx after execution) exists once (client order ids)',
    {
      kind: 'serverError',
      status: 503,
      afterExecution: true,
      route: 'POST /api/v1/orders',
      count: 1,
    },
    1_100,
  ),
  placeOnce(
    'server-error',
    'an order refused by 5xx answers is resent and placed once',
    { kind: 'serverError', status: 500, route: 'POST /api/v1/orders', count: 2 },
    1_200,
  ),
  placeOnce(
    'latency',
    'a slow answer (1.5 s) is waited for: one order, not two',
    { kind: 'latency', latencyMs: 1_500, route: 'POST /api/v1/orders', count: 1 },
    1_300,
  ),
  placeOnce(
    'timeout',
    'an order left unanswered for 12 s (past a client timeout) is not placed twice',
    { kind: 'latency', latencyMs: 12_000, route: 'POST /api/v1/orders', count: 1 },
    1_400,
  ),
  bookScenario(
    'sequence-gap',
    'a missing book seq is noticed and the book resynchronised',
    { kind: 'sequenceGap', count: 1 },
    [2_000, 2_100, 2_200],
  ),
  bookScenario(
    'disconnect',
    'after a dropped connection it reconnects and resynchronises its book',
    { kind: 'disconnect' },
    [2_000, 2_100],
  ),
  bookScenario(
    'stale-book',
    'a book that stops updating while trading goes on is noticed and refreshed',
    { kind: 'staleBook', durationMs: 60_000 },
    [2_000, 2_100],
  ),
  duplicateFill,
];

export const SUITE_VERSION = 'conformance v1';
