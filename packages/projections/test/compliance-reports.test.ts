// The compliance reports against the engine, to the micro-unit, on seeded bot flow over several UTC days
// across a month end: each day's trade register holds exactly the engine's fills (and the fills read
// model's), and with the day's deposits, withdrawals, transfers and settlements it explains every
// account's change of engine balance, the fee account's income and the change of escrow (money in =
// money out + fees + escrow). Each monthly statement opens and closes on the engine's balances at the
// month's edges and lists the account's fills and settlements. Runs on SQLite and PostgreSQL.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Fill, Settled } from '@bourse/engine';
import {
  allPages,
  dayPeriod,
  monthPeriod,
  type ReadModels,
  reportCsv,
  type TradeRegister,
} from '../src/index.ts';
import {
  type ComplianceFlow,
  DAY_MS,
  FLOW_ACCOUNTS,
  type MoneyBook,
  runComplianceFlow,
} from './fixtures/compliance-flow.ts';
import { USD } from './fixtures/exchange-driver.ts';
import { useSqlBackends } from './support/sql-backends.ts';

const backends = useSqlBackends();
const SEEDS = [11, 29];
const COMMANDS = 2_600;

/** What the engine itself did in `[fromTs, toTs)`: its fill, settlement and money-movement events. */
function engineFacts(flow: ComplianceFlow, fromTs: number, toTs: number) {
  const fills: Fill[] = [];
  const settled: Settled[] = [];
  const external = new Map<string, number>();
  const byKind = new Map<string, number>();
  for (const ac of flow.driver.applied) {
    if (ac.ts < fromTs || ac.ts >= toTs) continue;
    for (const e of ac.events) {
      if (e.type === 'fill') fills.push(e);
      else if (e.type === 'settled') settled.push(e);
      else if (e.type === 'ledgerMoved') {
        add(external, `${e.accountId}:${e.assetId}`, e.amount);
        add(byKind, `${e.accountId}:${e.assetId}:${e.kind}`, e.amount);
      }
    }
  }
  return { fills, settled, external, byKind };
}

function add(m: Map<string, number>, k: string, v: number): void {
  m.set(k, (m.get(k) ?? 0) + v);
}

async function feed(rm: ReadModels, flow: ComplianceFlow, toSeq = Number.MAX_SAFE_INTEGER) {
  const applied = flow.driver.applied.filter((ac) => ac.seq <= toSeq);
  for (let i = 0; i < applied.length; i += 250) await rm.apply(applied.slice(i, i + 250));
}

function day(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

function checkRegisterAgainstEngine(r: TradeRegister, flow: ComplianceFlow, dayStart: number) {
  const facts = engineFacts(flow, dayStart, dayStart + DAY_MS);
  assert.deepEqual(
    r.trades.map((t) => [t.tradeId, t.instrumentId, t.priceTicks, t.qtyLots, t.taker.side]),
    facts.fills.map((f) => [f.tradeId, f.instrumentId, f.priceTicks, f.qtyLots, f.takerSide]),
  );
  assert.deepEqual(
    r.trades.map((t) => [t.taker.accountId, t.taker.orderId, t.taker.fee, t.maker.accountId]),
    facts.fills.map((f) => [f.takerAccountId, f.takerOrderId, f.takerFee, f.makerAccountId]),
  );
  assert.deepEqual(
    r.trades.map((t) => [t.maker.orderId, t.maker.fee]),
    facts.fills.map((f) => [f.makerOrderId, f.makerFee]),
  );
  // Every account's engine balance moved by exactly its register lines, fees, external money and
  // settlement payouts; the fee account by the day's fees.
  const start = flow.midnights.get(dayStart) as MoneyBook;
  const end = flow.midnights.get(dayStart + DAY_MS) as MoneyBook;
  const explained = new Map(facts.external);
  for (const s of facts.settled) add(explained, `${s.accountId}:${USD}`, s.payout);
  const baseAsset = (id: number) => flow.driver.engine.instrument(id)!.spec;
  for (const t of r.trades) {
    for (const p of [t.taker, t.maker]) {
      add(explained, `${p.accountId}:${t.moneyAssetId}`, p.cash - p.fee);
      const spec = baseAsset(t.instrumentId);
      if (spec.kind === 'spot') add(explained, `${p.accountId}:${spec.baseAssetId}`, p.baseUnits);
      add(explained, `0:${t.moneyAssetId}`, p.fee);
    }
  }
  for (const k of new Set([...start.balances.keys(), ...end.balances.keys()])) {
    const delta = (end.balances.get(k) ?? 0) - (start.balances.get(k) ?? 0);
    assert.equal(explained.get(k) ?? 0, delta, `${day(dayStart)} account:asset ${k}`);
  }
  // Money in = money out + fees + escrow: and escrow itself moved by that, less settlement payouts.
  for (const tot of r.totals) {
    assert.equal(tot.paidIn, tot.paidOut + tot.fees + tot.escrowIn);
    if (tot.assetId !== USD) {
      // A spot pair's base asset: every unit a seller delivered a buyer received.
      assert.deepEqual([tot.fees, tot.escrowIn], [0, 0]);
      assert.ok(tot.paidIn > 0);
      continue;
    }
    const payouts = facts.settled.reduce((s, x) => s + x.payout, 0);
    const escrowDelta = (end.escrow.get(USD) ?? 0) - (start.escrow.get(USD) ?? 0);
    assert.equal(tot.escrowIn - payouts, escrowDelta, `${day(dayStart)} escrow`);
    const feeIncome = (end.balances.get(`0:${USD}`) ?? 0) - (start.balances.get(`0:${USD}`) ?? 0);
    assert.equal(tot.fees, feeIncome, `${day(dayStart)} fee account`);
  }
}

async function checkRegisterAgainstFills(rm: ReadModels, r: TradeRegister) {
  const fills = (
    await allPages((cursor) => rm.fills({ limit: 1000, ...(cursor ? { cursor } : {}) }))
  )
    .filter((f) => f.ts >= r.period.fromTs && f.ts < r.period.toTs)
    .sort((a, b) => a.tradeId - b.tradeId || (a.role === 'taker' ? -1 : 1));
  const lines = r.trades.flatMap((t) => [
    [t.tradeId, 'taker', t.taker.accountId, t.taker.orderId, t.taker.side, t.taker.fee, t.ts],
    [t.tradeId, 'maker', t.maker.accountId, t.maker.orderId, t.maker.side, t.maker.fee, t.ts],
  ]);
  assert.deepEqual(
    lines,
    fills.map((f) => [f.tradeId, f.role, f.accountId, f.orderId, f.side, f.fee, f.ts]),
  );
}

async function checkStatements(rm: ReadModels, flow: ComplianceFlow, month: string) {
  const period = monthPeriod(month);
  const facts = engineFacts(flow, period.fromTs, period.toTs);
  const first = flow.days[0] as number;
  const last = Math.max(...flow.midnights.keys());
  const bookAt = (ts: number) =>
    ts <= first
      ? (flow.midnights.get(first) as MoneyBook)
      : (flow.midnights.get(Math.min(ts, last)) as MoneyBook);
  const opening = bookAt(period.fromTs);
  const closing = bookAt(period.toTs);
  for (const accountId of FLOW_ACCOUNTS) {
    const s = await rm.statement({ accountId, ...period });
    for (const a of s.assets) {
      const k = `${accountId}:${a.assetId}`;
      assert.equal(a.opening, opening.balances.get(k) ?? 0, `${month} ${k} opening`);
      assert.equal(a.closing, closing.balances.get(k) ?? 0, `${month} ${k} closing`);
      const moved =
        a.deposits +
        a.withdrawals +
        a.transfersIn +
        a.transfersOut +
        a.trades +
        a.fees +
        a.settlements;
      assert.equal(a.opening + moved, a.closing);
      assert.equal(a.deposits, facts.byKind.get(`${k}:deposit`) ?? 0);
      assert.equal(a.withdrawals, facts.byKind.get(`${k}:withdraw`) ?? 0);
      assert.equal(
        a.transfersIn + a.transfersOut,
        (facts.byKind.get(`${k}:transferIn`) ?? 0) + (facts.byKind.get(`${k}:transferOut`) ?? 0),
      );
    }
    const mine = facts.fills.flatMap((f) => [
      ...(f.takerAccountId === accountId ? [[f.tradeId, 'taker', f.takerFee]] : []),
      ...(f.makerAccountId === accountId ? [[f.tradeId, 'maker', f.makerFee]] : []),
    ]);
    assert.deepEqual(
      s.trades.map((t) => [t.tradeId, t.role, t.fee]),
      mine,
    );
    const paid = facts.settled.filter((x) => x.accountId === accountId);
    assert.deepEqual(
      s.settlements.map((x) => [x.instrumentId, x.payout]),
      paid.map((x) => [x.instrumentId, x.payout]),
    );
    if (accountId === 0) continue;
    const usd = s.assets.find((a) => a.assetId === USD);
    const net = s.pnl.reduce((sum, p) => sum + p.netCash, 0);
    assert.equal(net, (usd?.trades ?? 0) + (usd?.fees ?? 0) + (usd?.settlements ?? 0));
    assert.equal(
      -(usd?.fees ?? 0),
      s.trades.reduce((sum, t) => sum + t.fee, 0),
    );
  }
}

for (const backend of backends.both) {
  describe(`compliance reports on ${backend.name}`, () => {
    for (const seed of SEEDS) {
      test(`seed ${seed}: registers and statements reconcile with the engine`, async () => {
        const flow = runComplianceFlow(seed, COMMANDS);
        assert.ok(flow.days.length >= 3, 'the flow spans several days');
        const rm = await backend.fresh();
        try {
          await feed(rm, flow);
          let trades = 0;
          for (const dayStart of flow.days) {
            const r = await rm.tradeRegister(dayPeriod(day(dayStart)));
            assert.equal(r.stamp.seq, flow.driver.lastSeq);
            checkRegisterAgainstEngine(r, flow, dayStart);
            await checkRegisterAgainstFills(rm, r);
            trades += r.trades.length;
          }
          assert.ok(trades > 500, `enough trades to mean something (${trades})`);
          for (const month of ['2026-11', '2026-12']) await checkStatements(rm, flow, month);
        } finally {
          await rm.close();
        }
      });
    }

    test('large positions match the engine, per market and summed per event', async () => {
      const flow = runComplianceFlow(SEEDS[0]!, COMMANDS);
      const rm = await backend.fresh();
      try {
        await feed(rm, flow);
        const q = { marketThresholdLots: 1_000, eventThresholdLots: 1_500 };
        const r = await rm.largePositions(q);
        const engine = FLOW_ACCOUNTS.flatMap((a) => flow.driver.engine.positions(a)).filter(
          (p) => p.positionLots !== 0,
        );
        const big = engine.filter((p) => Math.abs(p.positionLots) >= q.marketThresholdLots);
        assert.ok(big.length > 0);
        const key = (a: number, i: number) => `${a}:${i}`;
        assert.deepEqual(
          new Set(r.markets.map((p) => `${key(p.accountId, p.instrumentId)}=${p.positionLots}`)),
          new Set(big.map((p) => `${key(p.accountId, p.instrumentId)}=${p.positionLots}`)),
        );
        const gross = new Map<number, number>();
        for (const p of engine)
          if (p.instrumentId === 10 || p.instrumentId === 11)
            add2(gross, p.accountId, Math.abs(p.positionLots));
        const expected = [...gross].filter(([, g]) => g >= q.eventThresholdLots);
        assert.deepEqual(
          new Set(r.events.map((e) => `${e.accountId}:${e.eventTicker}=${e.grossLots}`)),
          new Set(expected.map(([a, g]) => `${a}:FED-DEC=${g}`)),
        );
        assert.match(reportCsv(r), /^report,from,to,seq,seq_ts,chain_hash,market_threshold_lots/);
      } finally {
        await rm.close();
      }
    });

    test('a report names its seq, and read models fed to that seq rebuild it exactly', async () => {
      const flow = runComplianceFlow(SEEDS[1]!, 1_200);
      const halfway = flow.driver.applied[Math.floor(flow.driver.applied.length / 2)]!.seq;
      const [partial, rebuilt] = [await backend.fresh(), await backend.fresh()];
      try {
        await feed(partial, flow, halfway);
        const date = day(flow.days[0]!);
        const first = await partial.tradeRegister(dayPeriod(date));
        assert.equal(first.stamp.seq, halfway);
        await feed(rebuilt, flow, first.stamp.seq);
        assert.deepEqual(await rebuilt.tradeRegister(dayPeriod(date)), first);
        assert.equal(reportCsv(await rebuilt.tradeRegister(dayPeriod(date))), reportCsv(first));
      } finally {
        await partial.close();
        await rebuilt.close();
      }
    });
  });
}

function add2(m: Map<number, number>, k: number, v: number): void {
  m.set(k, (m.get(k) ?? 0) + v);
}

test('report periods are UTC days and months; impossible dates are refused', () => {
  assert.deepEqual(dayPeriod('2026-12-01'), {
    fromTs: Date.UTC(2026, 11, 1),
    toTs: Date.UTC(2026, 11, 2),
  });
  assert.deepEqual(monthPeriod('2026-12'), {
    fromTs: Date.UTC(2026, 11, 1),
    toTs: Date.UTC(2027, 0, 1),
  });
  for (const bad of ['2026-02-30', '2026-13-01', '26-01-01', '2026-1-1', '']) {
    assert.throws(() => dayPeriod(bad), { name: 'InvalidQueryError', code: 'INVALID_QUERY' });
  }
  for (const bad of ['2026-00', '2026-13', '2026', '2026-1']) {
    assert.throws(() => monthPeriod(bad), { name: 'InvalidQueryError', code: 'INVALID_QUERY' });
  }
});
