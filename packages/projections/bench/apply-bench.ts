// Micro-benchmark of the projector's write path: a real Engine produces a stream of order commands
// (about half of them cross), then the stream is applied to the read models in batches and the rate of
// commands and events stored per second is printed. Generation is not timed. `--postgres` runs it on
// a throwaway local PostgreSQL server (the tests' one, fsync off) and also prints what the server did
// per command: CPU of all its processes, WAL records and bytes (pg_stat_wal), statements and
// transactions; `--pg-url` on an existing database. `--pairs` is the cluster bench's load instead: two
// accounts whose buy and sell orders at one price cross in pairs; with `--depth N` the pairs start
// behind N resting buys, so each buy rests and is filled N orders later, in a later batch when N
// exceeds the batch (the cluster bench's book holds such a queue: about a third of its orders are
// stored open and updated by a later transaction).
//
//   node packages/projections/bench/apply-bench.ts [--commands 200000] [--batch 2000]
//     [--pairs [--depth 0]] [--file | --pg-url postgres://…
//      | --postgres [--wal-by-relation] [--durable] [--set name=value …]]
//
// `--durable` runs the throwaway server as `bourse cluster up` runs its own (fsync, full-page writes
// and synchronous commit on, 128 MB of shared buffers) with the read models' sessions committing
// asynchronously, as the cluster's projector does; `--set` appends server settings after those (its
// candidates are measured against the same run without them). The server's writes to storage per
// command come from `/proc/<pid>/io` (WAL, data pages and temporary files alike).
//
// `--wal-by-relation` also prints the run's WAL records per command by relation and record type
// (wal-by-relation.ts).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { type BinarySpec, CENTS_BINARY_GRID, type Command, Engine } from '@bourse/engine';
import {
  type AppliedCommand,
  openPostgresReadModels,
  openSqliteReadModels,
  type ReadModels,
} from '../src/index.ts';
import { findPostgresBin, PostgresTestServer } from '../test/support/postgres-server.ts';
import { walByRelation, walStart } from './wal-by-relation.ts';

const { values } = parseArgs({
  options: {
    commands: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '2000' },
    file: { type: 'boolean', default: false },
    postgres: { type: 'boolean', default: false },
    'pg-url': { type: 'string' },
    accounts: { type: 'string', default: '200' },
    pairs: { type: 'boolean', default: false },
    depth: { type: 'string', default: '0' },
    'wal-by-relation': { type: 'boolean', default: false },
    durable: { type: 'boolean', default: false },
    set: { type: 'string', multiple: true, default: [] },
  },
});
const COMMANDS = Number(values.commands);
const BATCH = Number(values.batch);
const ACCOUNTS = values.pairs ? 2 : Number(values.accounts);

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
  for (let i = -Number(values.depth); values.pairs && out.length < COMMANDS; i++) {
    const side = i < 0 || i % 2 === 0 ? 'buy' : 'sell';
    const accountId = side === 'buy' ? 1 : 2;
    const order = { type: 'placeOrder', accountId, instrumentId: 1, side, orderType: 'limit' };
    apply({ ...order, priceTicks: 5_000, qtyLots: 100, tif: 'gtc' });
  }
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
  /** The throwaway server's counters, when the bench started one. */
  readonly server?: ServerCounters;
  /** A connection of its own to that server. */
  readonly admin?: pg.Client;
  cleanUp(): Promise<void>;
}

interface Counters {
  readonly cpuNs: number;
  readonly walRecords: number;
  readonly walBytes: number;
  readonly walFpi: number;
  readonly walBuffersFull: number;
  readonly storageWriteBytes: number;
  readonly statements: number;
  readonly transactions: number;
  readonly orderUpdates: number;
  readonly orderHotUpdates: number;
}

/** Statements sent to PostgreSQL by this process (every pg client's `query`, pooled ones included). */
let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

/** CPU of the server's processes (postmaster and every child) and its WAL and commit counters. */
class ServerCounters {
  readonly #postmaster: number;
  readonly #admin: pg.Client;
  readonly #seen = new Map<number, number>();
  readonly #written = new Map<number, number>();

  constructor(postmaster: number, admin: pg.Client) {
    this.#postmaster = postmaster;
    this.#admin = admin;
  }

  /** Samples every process's CPU (children come and go: autovacuum workers, a pool's connections). */
  poll(): void {
    const pids = [this.#postmaster, ...childPids(this.#postmaster)];
    for (const pid of pids) {
      const ns = schedNs(pid);
      if (ns !== undefined) this.#seen.set(pid, ns);
      // The postmaster's own count takes in those of its children once it has reaped them.
      const bytes = pid === this.#postmaster ? undefined : writeBytes(pid);
      if (bytes !== undefined) this.#written.set(pid, bytes);
    }
  }

  async read(): Promise<Counters> {
    // A backend reports its WAL counters about once a second while busy, and at exit.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    this.poll();
    const { rows } = await this.#admin.query<
      Record<'r' | 'b' | 'f' | 'w' | 'x' | 'u' | 'h', string>
    >(
      'select wal_records as r, wal_bytes as b, wal_fpi as f, wal_buffers_full as w, ' +
        '(select sum(xact_commit + xact_rollback) from pg_stat_database) as x, ' +
        't.n_tup_upd as u, t.n_tup_hot_upd as h ' +
        "from pg_stat_wal, pg_stat_user_tables t where t.relname = 'orders'",
    );
    const row = rows[0]!;
    let cpuNs = 0;
    for (const ns of this.#seen.values()) cpuNs += ns;
    let storageWriteBytes = 0;
    for (const bytes of this.#written.values()) storageWriteBytes += bytes;
    return {
      cpuNs,
      walRecords: Number(row.r),
      walBytes: Number(row.b),
      walFpi: Number(row.f),
      walBuffersFull: Number(row.w),
      storageWriteBytes,
      statements,
      transactions: Number(row.x),
      orderUpdates: Number(row.u),
      orderHotUpdates: Number(row.h),
    };
  }
}

/** Bytes a process has caused to be written to storage (`/proc/<pid>/io`), undefined once it is gone. */
function writeBytes(pid: number): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/io`, 'utf8').match(/^write_bytes: (\d+)$/m);
    return line === null ? undefined : Number(line[1]);
  } catch {
    return undefined;
  }
}

/** `--durable`: the server as `bourse cluster up` runs it, where the tests' one is throwaway. */
const DURABLE = [
  'fsync = on',
  'full_page_writes = on',
  'synchronous_commit = on',
  'shared_buffers = 128MB',
];

/** The settings given with `--set`, as `postgresql.conf` lines. */
function givenSettings(): string[] {
  return values.set.map((kv) => {
    const at = kv.indexOf('=');
    if (at < 1) throw new Error(`--set ${kv}: expected name=value`);
    return `${kv.slice(0, at)} = '${kv.slice(at + 1)}'`;
  });
}

function childPids(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return text === '' ? [] : text.split(/\s+/).map(Number);
  } catch {
    return [];
  }
}

/** Nanoseconds a process has run on a CPU (`/proc/<pid>/schedstat`), undefined once it is gone. */
function schedNs(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}

async function openTarget(): Promise<Target> {
  const url = values['pg-url'];
  if (url !== undefined) {
    const rm = await openPostgresReadModels(url);
    return { backend: 'postgres (given database)', rm, cleanUp: async () => undefined };
  }
  if (values.postgres) {
    const given = givenSettings();
    const server = await PostgresTestServer.start(undefined, [
      ...(values.durable ? DURABLE : []),
      ...given,
    ]);
    const connection = await server.createDatabase();
    const rm = await openPostgresReadModels(connection, { synchronousCommit: !values.durable });
    const admin = new pg.Client(connection);
    await admin.connect();
    return {
      backend: `postgres (local throwaway, ${values.durable ? 'durable' : 'fsync off'}${
        given.length > 0 ? `; ${given.join(', ')}` : ''
      })`,
      rm,
      server: new ServerCounters(server.postmasterPid(), admin),
      admin,
      cleanUp: async () => {
        await admin.end();
        await server.stop();
      },
    };
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
  // The set-up commands (accounts, deposits, the market) are stored before anything is counted.
  const setUp = stream.findIndex((ac) => ac.command.type === 'placeOrder');
  await rm.apply(stream.slice(0, setUp));
  const timed = stream.slice(setUp);
  const before = await target.server?.read();
  const walFrom = values['wal-by-relation'] ? await walStart(target.admin) : undefined;
  const poller = setInterval(() => target.server?.poll(), 100);
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < timed.length; i += BATCH) await rm.apply(timed.slice(i, i + BATCH));
  const applyMs = performance.now() - t1;
  // CPU time as well as wall time: on a shared machine it is the steadier of the two.
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  clearInterval(poller);
  target.server?.poll();
  // Closed first: the writer's backends exit, and a backend reports its WAL counters at exit.
  await rm.close();
  const after = await target.server?.read();
  const walRecords = walFrom && (await walByRelation(findPostgresBin()!, walFrom, timed.length));
  await target.cleanUp();
  const perSec = (n: number) => Math.round((n / applyMs) * 1000);
  const per = (k: keyof Counters, scale = 1) =>
    before === undefined || after === undefined
      ? undefined
      : Number((((after[k] - before[k]) * scale) / timed.length).toFixed(2));
  console.log(
    JSON.stringify({
      backend: target.backend,
      workload: values.pairs ? 'crossing pairs of two accounts' : 'mixed',
      commands: timed.length,
      events,
      fills,
      rejects,
      batch: BATCH,
      generateMs: Math.round(genMs),
      applyMs: Math.round(applyMs),
      applyCpuMs: Math.round(cpuMs),
      commandsPerSec: perSec(stream.length),
      eventsPerSec: perSec(events),
      commandsPerCpuSec: Math.round((timed.length / cpuMs) * 1000),
      clientCpuUsPerCommand: Number(((cpuMs * 1000) / timed.length).toFixed(2)),
      serverCpuUsPerCommand: per('cpuNs', 1e-3),
      walRecordsPerCommand: per('walRecords'),
      walBytesPerCommand: per('walBytes'),
      walFpiPerCommand: per('walFpi'),
      walBuffersFullPerCommand: per('walBuffersFull'),
      storageWriteBytesPerCommand: per('storageWriteBytes'),
      // Less the counters' own reads (2 statements, 2 transactions).
      statementsPerCommand:
        before === undefined || after === undefined
          ? undefined
          : Number(((after.statements - before.statements - 2) / timed.length).toFixed(3)),
      transactionsPerCommand: per('transactions'),
      // Stored orders a later batch changed, and how many of those updates were HOT (no index entry).
      orderUpdatesPerCommand: per('orderUpdates'),
      orderHotUpdatesPerCommand: per('orderHotUpdates'),
      // PostgreSQL does its share of the work in its own server processes.
      cpuCounted: target.backend.startsWith('postgres') ? 'this client process only' : 'all',
      ...(walRecords === undefined ? {} : { walRecordsPerCommandBy: walRecords }),
    }),
  );
}

await main();
