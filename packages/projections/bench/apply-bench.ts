// Micro-benchmark of the projector's write path: a real Engine produces a stream of order commands
// (about half of them cross), then the stream is applied to the read models in batches and the rate of
// commands and events stored per second is printed. Generation is not timed. `--postgres` runs it on
// a throwaway local PostgreSQL server (the tests' one, fsync off); `--pg-url` on an existing database.
//
//   node packages/projections/bench/apply-bench.ts [--commands 200000] [--batch 2000]
//     [--file | --postgres | --pg-url postgres://…]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BinarySpec, CENTS_BINARY_GRID, type Command, Engine } from '@bourse/engine';
import {
  type AppliedCommand,
  openPostgresReadModels,
  openSqliteReadModels,
  type ReadModels,
} from '../src/index.ts';
import { PostgresTestServer } from '../test/support/postgres-server.ts';

const { values } = parseArgs({
  options: {
    commands: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '2000' },
    file: { type: 'boolean', default: false },
    postgres: { type: 'boolean', default: false },
    'pg-url': { type: 'string' },
    accounts: { type: 'string', default: '200' },
  },
});
const COMMANDS = Number(values.commands);
const BATCH = Number(values.batch);
const ACCOUNTS = Number(values.accounts);

const spec: BinarySpec = {
  kind: 'binary',
  instrumentId: 1,
  symbol: 'BENCH',
  seriesTicker: 'BENCH',
  eventTicker: 'BENCH-1',
  title: 'Benchmark market',
  settlementAssetId: 1,
  ...CENTS_BINARY_GRID,
  fees: { kind: 'kalshi', makerRatePpm: 17_500, takerRatePpm: 70_000, roundingUnit: 10_000 },
  limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
};

function generate(): AppliedCommand[] {
  const engine = new Engine({ feeAccountId: 0, maxOpenOrdersPerAccount: 1_000_000 });
  const out: AppliedCommand[] = [];
  let seq = 0;
  let ts = Date.UTC(2026, 0, 1);
  let rng = 12_345;
  const next = (n: number) => {
    rng = (rng * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.floor((rng / 2_147_483_648) * n); // high bits: an LCG's low bits cycle quickly
  };
  const apply = (body: Record<string, unknown>) => {
    seq++;
    ts += next(3);
    const command = { ...body, seq, ts } as unknown as Command;
    if (command.type === 'placeOrder') (command as { orderId: number }).orderId = seq;
    out.push({ seq, ts, command, events: [...engine.apply(command)] });
  };
  apply({ type: 'createAsset', assetId: 1, code: 'USD', scale: 1_000_000 });
  for (let a = 1; a <= ACCOUNTS; a++) {
    apply({ type: 'createAccount', accountId: a, userId: a, subaccount: 0 });
    apply({ type: 'deposit', accountId: a, assetId: 1, amount: 1_000_000_000_000 });
  }
  apply({ type: 'createInstrument', spec });
  apply({ type: 'setMarketStatus', instrumentId: 1, status: 'open' });
  while (out.length < COMMANDS) {
    const side = next(2) === 0 ? 'buy' : 'sell';
    // Prices straddle the mid, so roughly half of the orders cross and the book stays bounded.
    const priceTicks = (45 + next(11)) * 100;
    const accountId = 1 + next(ACCOUNTS);
    if (next(10) === 0) {
      const open = engine.openOrders(accountId);
      const victim = open[next(Math.max(1, open.length))];
      if (victim !== undefined) {
        apply({ type: 'cancelOrder', accountId, orderId: victim.orderId });
        continue;
      }
    }
    const qtyLots = 100 * (1 + next(5));
    apply({
      type: 'placeOrder',
      accountId,
      instrumentId: 1,
      side,
      orderType: 'limit',
      priceTicks,
      qtyLots,
      tif: 'gtc',
    });
  }
  return out;
}

interface Target {
  readonly backend: string;
  readonly rm: ReadModels;
  cleanUp(): Promise<void>;
}

async function openTarget(): Promise<Target> {
  const url = values['pg-url'];
  if (url !== undefined) {
    const rm = await openPostgresReadModels(url);
    return { backend: 'postgres (given database)', rm, cleanUp: async () => undefined };
  }
  if (values.postgres) {
    const server = await PostgresTestServer.start();
    const rm = await openPostgresReadModels(await server.createDatabase());
    return { backend: 'postgres (local throwaway, fsync off)', rm, cleanUp: () => server.stop() };
  }
  if (values.file) {
    const dir = mkdtempSync(join(tmpdir(), 'bourse-bench-'));
    const rm = await openSqliteReadModels(join(dir, 'bench.sqlite'));
    return {
      backend: 'sqlite file (WAL, synchronous=NORMAL)',
      rm,
      cleanUp: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const rm = await openSqliteReadModels(':memory:');
  return { backend: 'sqlite :memory:', rm, cleanUp: async () => undefined };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const stream = generate();
  const events = stream.reduce((n, ac) => n + ac.events.length, 0);
  const fills = stream.reduce((n, ac) => n + ac.events.filter((e) => e.type === 'fill').length, 0);
  const rejects: Record<string, number> = {};
  for (const e of stream.flatMap((ac) => ac.events)) {
    if (e.type === 'rejected') rejects[e.reason] = (rejects[e.reason] ?? 0) + 1;
  }
  const genMs = performance.now() - t0;
  const target = await openTarget();
  const rm = target.rm;
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < stream.length; i += BATCH) await rm.apply(stream.slice(i, i + BATCH));
  const applyMs = performance.now() - t1;
  // CPU time as well as wall time: on a shared machine it is the steadier of the two.
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  await rm.close();
  await target.cleanUp();
  const perSec = (n: number) => Math.round((n / applyMs) * 1000);
  console.log(
    JSON.stringify({
      backend: target.backend,
      commands: stream.length,
      events,
      fills,
      rejects,
      batch: BATCH,
      generateMs: Math.round(genMs),
      applyMs: Math.round(applyMs),
      applyCpuMs: Math.round(cpuMs),
      commandsPerSec: perSec(stream.length),
      eventsPerSec: perSec(events),
      commandsPerCpuSec: Math.round((stream.length / cpuMs) * 1000),
      // PostgreSQL does its share of the work in its own server processes.
      cpuCounted: target.backend.startsWith('postgres') ? 'this client process only' : 'all',
    }),
  );
}

await main();
