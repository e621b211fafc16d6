// The performance report against the engine, to the micro, on seeded bot flow over several days with
// settlements, with the read models closed and reopened (a restart) in the middle of feeding them. At
// every bucket end the series equals the account recomputed from a fresh engine replayed to that
// instant (cash, positions at the last trade price, realised P&L, fees, unrealised P&L, net deposits),
// and value = net deposits + realised − fees + unrealised throughout; the final figures equal the
// engine's balances and positions, and settled markets' P&L includes exactly their payouts.
// Runs on SQLite (a file) and PostgreSQL. A second flow (every order type, amends, pauses and halts, a
// scalar settlement, BTC held in kind) is checked by the minute against the engine the same way; the
// CSV export carries the same figures.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  Engine,
  type InstrumentView,
  positionValue,
  spotHoldingValue,
  unrealisedPnl,
} from '@bourse/engine';
import {
  type AppliedCommand,
  INTERVAL_MS,
  type PerformancePoint,
  type PerformanceReport,
  performanceCsv,
  type ReadModels,
} from '../src/index.ts';
import {
  type ComplianceFlow,
  FLOW_ACCOUNTS,
  runComplianceFlow,
} from './fixtures/compliance-flow.ts';
import { BTC, USD } from './fixtures/exchange-driver.ts';
import { runRandomExchange } from './fixtures/random-exchange.ts';
import { useSqlBackends } from './support/sql-backends.ts';

const backends = useSqlBackends();
const SEEDS = [5, 23, 61];
const COMMANDS = 1_500;
const TRADERS = FLOW_ACCOUNTS.filter((a) => a !== 0);

/** Replays the flow's commands into a fresh engine, sampling every trader just before each boundary. */
function engineSeries(
  applied: readonly AppliedCommand[],
  boundaries: readonly number[],
  accounts: readonly number[] = TRADERS,
) {
  const engine = new Engine({ feeAccountId: 0, maxOpenOrdersPerAccount: 10_000 });
  const last = new Map<number, number>();
  const net = new Map<number, number>();
  const out = new Map<number, PerformancePoint[]>(accounts.map((a) => [a, []]));
  let i = 0;
  for (const b of boundaries) {
    for (; i < applied.length && applied[i]!.ts < b; i++) {
      for (const e of engine.apply(applied[i]!.command)) {
        if (e.type === 'fill') last.set(e.instrumentId, e.priceTicks);
        if (e.type === 'ledgerMoved' && e.assetId === USD) {
          net.set(e.accountId, (net.get(e.accountId) ?? 0) + e.amount);
        }
      }
    }
    for (const a of accounts) out.get(a)!.push(enginePoint(engine, a, b, last, net.get(a) ?? 0));
  }
  return out;
}

function enginePoint(
  engine: Engine,
  a: number,
  ts: number,
  last: ReadonlyMap<number, number>,
  netDeposits: number,
): PerformancePoint {
  const money = (assetId: number) => {
    const b = engine.balances(a).find((x) => x.assetId === assetId);
    return b === undefined ? 0 : b.available + b.reserved;
  };
  const spec = (id: number) => (engine.instrument(id) as InstrumentView).spec;
  let positionsValue = 0;
  let realisedPnl = 0;
  let feesPaid = 0;
  let unrealised = 0;
  for (const p of engine.positions(a)) {
    const s = spec(p.instrumentId);
    realisedPnl += p.realisedPnl;
    feesPaid += p.feesPaid;
    if (p.positionLots === 0) continue;
    const mark = last.get(p.instrumentId)!;
    unrealised += unrealisedPnl(s, p.positionLots, p.costBasis, mark);
    if (s.kind === 'binary') positionsValue += positionValue(s, p.positionLots, mark);
  }
  const btc = money(BTC);
  const spotMark = last.get(20);
  const holdingsValue =
    btc === 0 || spotMark === undefined ? 0 : spotHoldingValue(spec(20), btc, spotMark);
  const cash = money(USD);
  return {
    ts,
    cash,
    positionsValue,
    holdingsValue,
    value: cash + positionsValue + holdingsValue,
    netDeposits,
    realisedPnl,
    feesPaid,
    unrealisedPnl: unrealised,
    pnl: realisedPnl - feesPaid + unrealised,
  };
}

/** Feeds the flow in batches, closing and reopening the read models halfway, a batch sent twice. */
async function feedWithRestart(open: () => Promise<ReadModels>, flow: ComplianceFlow) {
  const applied = flow.driver.applied;
  const half = Math.floor(applied.length / 2);
  let rm = await open();
  for (let i = 0; i < half; i += 200) await rm.apply(applied.slice(i, Math.min(i + 200, half)));
  await rm.close();
  rm = await open();
  assert.equal(await rm.lastAppliedSeq(), applied[half - 1]!.seq);
  for (let i = half - 100; i < applied.length; i += 200) await rm.apply(applied.slice(i, i + 200));
  return rm;
}

/** Every point equals the engine's; `moneyOnly`: only USD moved in and out, so value = deposits + P&L. */
function checkAgainstEngine(
  r: PerformanceReport,
  expected: readonly PerformancePoint[],
  a: number,
  moneyOnly = true,
) {
  assert.equal(r.points.length, expected.length);
  r.points.forEach((p, k) => {
    assert.deepEqual(p, expected[k], `account ${a} at ${new Date(p.ts).toISOString()}`);
    if (moneyOnly) {
      assert.equal(p.value, p.netDeposits + p.pnl, `account ${a}: value = deposits + P&L`);
    }
  });
}

function checkFinal(r: PerformanceReport, flow: ComplianceFlow, a: number) {
  const engine = flow.driver.engine;
  const end = r.points.at(-1)!;
  const usd = engine.balances(a).find((b) => b.assetId === USD)!;
  assert.equal(end.cash, usd.available + usd.reserved);
  const positions = engine.positions(a);
  assert.equal(
    end.realisedPnl,
    positions.reduce((s, p) => s + p.realisedPnl, 0),
  );
  assert.equal(
    end.feesPaid,
    positions.reduce((s, p) => s + p.feesPaid, 0),
  );
  // Per market: the breakdown adds up to the range's P&L, and a settled market's realised P&L is its
  // trading P&L plus the payout less what the position had cost.
  const s = r.stats;
  assert.equal(
    r.markets.reduce((x, m) => x + m.pnl, 0),
    s.pnl,
  );
  assert.equal(s.pnl, s.endValue - s.startValue - s.netDeposits);
  assert.equal(s.realisedPnl - s.feesPaid + s.unrealisedPnl - r.points[0]!.unrealisedPnl, s.pnl);
  const payouts = new Map<number, number>();
  for (const ac of flow.driver.applied) {
    for (const e of ac.events) {
      if (e.type === 'settled' && e.accountId === a) payouts.set(e.instrumentId, e.payout);
    }
  }
  for (const m of r.markets) {
    const p = positions.find((x) => x.instrumentId === m.instrumentId)!;
    assert.equal(m.positionLots, p.positionLots);
    if (m.settled) assert.ok(payouts.has(m.instrumentId) || p.positionLots === 0);
  }
  // Per event: the sums of its binary markets.
  const byEvent = new Map<string, number[]>();
  for (const m of r.markets) {
    if (m.eventTicker === null) continue;
    const e = byEvent.get(m.eventTicker) ?? [0, 0, 0, 0, 0];
    byEvent.set(m.eventTicker, [
      e[0]! + 1,
      e[1]! + m.realisedPnl,
      e[2]! + m.feesPaid,
      e[3]! + m.unrealisedPnl,
      e[4]! + m.pnl,
    ]);
  }
  assert.deepEqual(
    r.events.map((e) => [
      e.eventTicker,
      e.markets,
      e.realisedPnl,
      e.feesPaid,
      e.unrealisedPnl,
      e.pnl,
    ]),
    [...byEvent].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => [k, ...v]),
  );
  const closed = r.markets.filter((m) => m.closed);
  assert.equal(s.closedMarkets, closed.length);
  for (const m of closed) {
    const p = positions.find((x) => x.instrumentId === m.instrumentId)!;
    assert.equal(m.win, p.realisedPnl - p.feesPaid > 0, `account ${a} ${m.symbol} win`);
  }
  assert.equal(s.wins, closed.filter((m) => m.win).length);
  let peak = r.points[0]!.pnl;
  let dd = 0;
  for (const p of r.points) {
    peak = Math.max(peak, p.pnl);
    dd = Math.max(dd, peak - p.pnl);
  }
  assert.equal(s.maxDrawdown, dd);
}

for (const backend of [backends.sqliteInFile, backends.postgres]) {
  describe(`performance on ${backend.name}`, () => {
    for (const seed of SEEDS) {
      test(`seed ${seed}: hourly series equal the engine replayed to each hour, across a restart`, async () => {
        const flow = runComplianceFlow(seed, COMMANDS, { inKind: false });
        const rm = await feedWithRestart(await backend.store(), flow);
        try {
          const toTs = flow.driver.ts;
          const reports = new Map<number, PerformanceReport>();
          for (const a of TRADERS) {
            reports.set(
              a,
              await rm.performance({ accountId: a, assetId: USD, toTs, interval: '1h' }),
            );
          }
          const first = reports.get(TRADERS[0]!)!;
          const boundaries = first.points.map((p) => p.ts);
          assert.ok(boundaries.length > 24, `${boundaries.length} hourly points`);
          const expected = engineSeries(flow.driver.applied, boundaries);
          for (const a of TRADERS) {
            const r = reports.get(a)!;
            assert.equal(r.fromTs, first.fromTs, 'every trader opened in the first hour');
            checkAgainstEngine(r, expected.get(a)!, a);
            checkFinal(r, flow, a);
          }
          assert.ok(
            TRADERS.some((a) => reports.get(a)!.markets.some((m) => m.settled && m.closed)),
            'some trader held a market through its settlement',
          );
          assert.ok(
            TRADERS.some((a) => reports.get(a)!.events.some((e) => e.markets === 2)),
            'some trader traded both markets of one event',
          );
          // A sub-range by the minute: its points are the engine's at every minute end.
          const from = first.fromTs + 10 * INTERVAL_MS['1h'] + 7 * 60_000;
          const minutes = await rm.performance({
            accountId: 3,
            assetId: USD,
            fromTs: from,
            toTs: from + 3 * INTERVAL_MS['1h'],
            interval: '1m',
          });
          assert.equal(minutes.fromTs, from);
          assert.equal(minutes.points.length, 3 * 60 + 2);
          const byMinute = engineSeries(
            flow.driver.applied,
            minutes.points.map((p) => p.ts),
          );
          checkAgainstEngine(minutes, byMinute.get(3)!, 3);
        } finally {
          await rm.close();
        }
      });
    }
  });
}

for (const seed of [7, 19]) {
  test(`seed ${seed}: every order type, amends, halts, a scalar settlement and assets held in kind; minute series equal the engine`, async () => {
    const d = runRandomExchange(seed, 3_000);
    const rm = await backends.sqliteInMemory.fresh();
    try {
      for (let i = 0; i < d.applied.length; i += 500) await rm.apply(d.applied.slice(i, i + 500));
      const accounts = [1, 2, 3, 4, 5, 6];
      const reports: PerformanceReport[] = [];
      for (const a of accounts) {
        reports.push(
          await rm.performance({ accountId: a, assetId: USD, toTs: d.ts, interval: '1m' }),
        );
      }
      const boundaries = reports[0]!.points.map((p) => p.ts);
      const expected = engineSeries(d.applied, boundaries, accounts);
      for (const [i, a] of accounts.entries()) {
        // BTC is deposited in kind here, so value ≠ deposits + P&L; every figure still equals the engine's.
        checkAgainstEngine(reports[i]!, expected.get(a)!, a, false);
      }
      assert.ok(reports.some((r) => r.markets.some((m) => m.instrumentId === 10 && m.settled)));
      assert.ok(reports.every((r) => r.points.at(-1)!.holdingsValue > 0));
    } finally {
      await rm.close();
    }
  });
}

test('the CSV export carries the report: stats, every point, every market and event', async () => {
  const flow = runComplianceFlow(SEEDS[0]!, 600, { inKind: false });
  const rm = await backends.sqliteInMemory.fresh();
  try {
    for (let i = 0; i < flow.driver.applied.length; i += 250) {
      await rm.apply(flow.driver.applied.slice(i, i + 250));
    }
    const r = await rm.performance({ accountId: 4, assetId: USD, toTs: flow.driver.ts });
    const blocks = performanceCsv(r)
      .split('\r\n\r\n')
      .map((b) => b.split('\r\n').filter((l) => l !== ''));
    assert.equal(blocks.length, 5);
    assert.deepEqual(blocks[0]![1]!.split(',').slice(0, 4), ['performance', '4', '1', r.interval]);
    const stats = Object.fromEntries(
      blocks[1]![0]!.split(',').map((h, i) => [h, blocks[1]![1]!.split(',')[i]]),
    );
    assert.equal(Number(stats.pnl), r.stats.pnl);
    assert.equal(Number(stats.fees_paid), r.stats.feesPaid);
    assert.equal(Number(stats.max_drawdown), r.stats.maxDrawdown);
    const series = blocks[2]!;
    assert.equal(
      series[0],
      'ts,cash,positions_value,holdings_value,value,net_deposits,realised_pnl,fees_paid,unrealised_pnl,pnl',
    );
    assert.deepEqual(
      series.slice(1),
      r.points.map((p) =>
        [
          new Date(p.ts).toISOString(),
          p.cash,
          p.positionsValue,
          p.holdingsValue,
          p.value,
          p.netDeposits,
          p.realisedPnl,
          p.feesPaid,
          p.unrealisedPnl,
          p.pnl,
        ].join(','),
      ),
    );
    assert.equal(blocks[3]!.length, r.markets.length + 1);
    assert.ok(r.markets.length > 0);
    for (const [i, m] of r.markets.entries()) {
      const cells = blocks[3]![i + 1]!.split(',');
      assert.deepEqual([cells[0], Number(cells[10])], [m.symbol, m.pnl]);
    }
    assert.equal(blocks[4]!.length, r.events.length + 1);
  } finally {
    await rm.close();
  }
});

test('a range of more buckets than allowed is refused naming the interval', async () => {
  const rm = await backends.sqliteInMemory.fresh();
  try {
    await assert.rejects(
      rm.performance({
        accountId: 1,
        assetId: USD,
        fromTs: 0,
        toTs: 400 * 86_400_000,
        interval: '1m',
      }),
      (e: Error & { code?: string }) =>
        e.name === 'InvalidQueryError' && e.code === 'INVALID_QUERY' && /^interval/.test(e.message),
    );
    const empty = await rm.performance({ accountId: 1, assetId: USD, toTs: 3_600_000 });
    assert.equal(empty.points.length, 2);
    assert.deepEqual(empty.stats.winRateBps, null);
  } finally {
    await rm.close();
  }
});
