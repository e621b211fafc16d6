// Heap cost of the Kalshi adapter's order tracking on the gateway thread: a stream of applied commands
// shaped like `bourse loadtest --mode ws` (limit orders at one price, resting until an opposite order
// fills them or they are cancelled) goes through `PrivateEvents.apply`, and the V8 heap bytes it
// allocates per order and those that survive scavenges (copied or promoted) are printed. Building the
// events is not measured. `--wanted` also builds every message, as for accounts a socket listens for.
//
//   node packages/kalshi/bench/tracked-orders-bench.ts [--orders 300000] [--resting 20000] [--wanted]

import { parseArgs } from 'node:util';
import { GCProfiler } from 'node:v8';
import type { AppliedCommand } from '@bourse/core';
import { type BinarySpec, CENTS_BINARY_GRID, type EngineEvent } from '@bourse/engine';
import { PrivateEvents } from '../src/ws/private-events.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '300000' },
    resting: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '3' },
    wanted: { type: 'boolean', default: false },
  },
});
const ORDERS = Number(values.orders);
const RESTING = Number(values.resting);
const ACCOUNTS = 200;
/** Commands per event-loop turn: the pending messages are built and dropped after each. */
const TURN = 64;

const spec: BinarySpec = {
  kind: 'binary',
  instrumentId: 1,
  symbol: 'BENCH-YES',
  seriesTicker: 'BENCH',
  eventTicker: 'BENCH-1',
  title: 'Bench',
  settlementAssetId: 1,
  ...CENTS_BINARY_GRID,
  fees: { kind: 'none' },
  limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
};

/** A deterministic stream: each new order fills the oldest resting one or rests (oldest cancelled). */
function workload(): AppliedCommand[] {
  const out: AppliedCommand[] = [];
  const queue: { id: number; account: number; side: 'buy' | 'sell' }[] = [];
  let head = 0;
  let seed = 12345;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return seed / 2 ** 32;
  };
  let seq = 0;
  let trade = 0;
  const push = (events: EngineEvent[]) => {
    seq++;
    out.push({
      seq,
      ts: 1_700_000_000_000 + seq,
      command: { type: 'tick', seq, ts: 0 },
      events,
    } as AppliedCommand);
  };
  for (let id = 1; id <= ORDERS; id++) {
    const account = 1 + Math.floor(rnd() * ACCOUNTS);
    if (queue.length - head > 0 && rnd() < 0.45) {
      const maker = queue[head++]!;
      const side = maker.side === 'buy' ? 'sell' : 'buy';
      push([
        accepted(id, account, side),
        fill(++trade, id, account, maker, side),
        position(account, side === 'buy' ? 100 : -100),
        position(maker.account, side === 'buy' ? -100 : 100),
      ]);
      continue;
    }
    const side = rnd() < 0.5 ? 'buy' : 'sell';
    push([
      accepted(id, account, side),
      {
        type: 'orderRested',
        orderId: id,
        instrumentId: 1,
        side,
        priceTicks: 5_000,
        openQtyLots: 100,
      },
    ]);
    queue.push({ id, account, side });
    if (queue.length - head > RESTING) {
      const old = queue[head++]!;
      push([
        {
          type: 'orderCancelled',
          orderId: old.id,
          accountId: old.account,
          instrumentId: 1,
          reason: 'user',
          cancelledQtyLots: 100,
        },
      ]);
    }
  }
  return out;
}

function accepted(id: number, account: number, side: 'buy' | 'sell'): EngineEvent {
  return {
    type: 'orderAccepted',
    orderId: id,
    accountId: account,
    instrumentId: 1,
    clientOrderId: undefined,
    side,
    orderType: 'limit',
    tif: 'gtc',
    priceTicks: 5_000,
    qtyLots: 100,
    stopPriceTicks: undefined,
    expiresAt: undefined,
    postOnly: false,
    reduceOnly: false,
    cancelOnPause: false,
  };
}

/** Order `id` takes all of the resting `maker`. */
function fill(
  tradeId: number,
  id: number,
  account: number,
  maker: { id: number; account: number },
  side: 'buy' | 'sell',
): EngineEvent {
  return {
    type: 'fill',
    tradeId,
    instrumentId: 1,
    takerOrderId: id,
    makerOrderId: maker.id,
    takerAccountId: account,
    makerAccountId: maker.account,
    takerSide: side,
    priceTicks: 5_000,
    qtyLots: 100,
    takerFee: 0,
    makerFee: 0,
    takerOpenQtyLots: 0,
    makerOpenQtyLots: 0,
  };
}

function position(accountId: number, positionLots: number): EngineEvent {
  return {
    type: 'positionChanged',
    accountId,
    instrumentId: 1,
    positionLots,
    costBasis: 0,
    realisedPnl: 0,
    feesPaid: 0,
  };
}

interface Figures {
  allocated: number;
  survived: number;
  scavenges: number;
}

/** Heap bytes allocated (growth plus what collections freed) and kept by scavenges, per order. */
function measure(stream: readonly AppliedCommand[]): Figures {
  const p = new PrivateEvents(
    () => spec,
    () => values.wanted,
  );
  const profiler = new GCProfiler();
  profiler.start();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < stream.length; i++) {
    p.apply(stream[i]!);
    if (i % TURN === TURN - 1) {
      for (const item of p.pending) item.build(item.accountId);
      p.pending = [];
    }
  }
  const after = process.memoryUsage().heapUsed;
  let freed = 0;
  let survived = 0;
  let scavenges = 0;
  for (const gc of profiler.stop()?.statistics ?? []) {
    freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
    if (gc.gcType !== 'Scavenge') continue;
    scavenges++;
    const used = (s: typeof gc.afterGC, name: string) =>
      s.heapSpaceStatistics.find((x) => x.spaceName === name)?.spaceUsedSize ?? 0;
    // What a scavenge keeps: the young objects it copied within new space and those it promoted.
    survived +=
      used(gc.afterGC, 'new_space') +
      used(gc.afterGC, 'old_space') -
      used(gc.beforeGC, 'old_space');
  }
  return { allocated: (after - before + freed) / ORDERS, survived: survived / ORDERS, scavenges };
}

const stream = workload();
console.log(
  `${ORDERS} orders (${stream.length} commands), about ${RESTING} resting, messages ${values.wanted ? 'built' : 'not wanted'}`,
);
for (let r = 0; r < Number(values.rounds); r++) {
  const f = measure(stream);
  console.log(
    `round ${r + 1}: allocated ${f.allocated.toFixed(0)} B/order, survived scavenges ${f.survived.toFixed(0)} B/order (${f.scavenges} scavenges)`,
  );
}
