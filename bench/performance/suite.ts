// The performance suite: what an account's performance report (`GET /api/v1/portfolio/performance`)
// costs for a busy account. The reference workload is applied to an engine with commands 100 ms
// apart, stored in SQLite read models on disk, and the report of the account with the most fills is
// read at 1h and 1m buckets (the 1m range is the last 3,000 minutes): a report walks the account's
// whole ledger, fills and settlements, so its cost grows with the account's history. The last
// point's cash and realised P&L must equal the engine's.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProfileName } from '@bourse/benchkit';
import { type Command, Engine, type EngineConfig } from '@bourse/engine';
import { type AppliedCommand, openSqliteReadModels, type ReadModels } from '@bourse/projections';
import type { BenchOptions } from '../options.ts';
import { type Measurement, progress, type Suite } from '../report.ts';
import { referenceStream } from '../reference-stream.ts';

const ACCOUNTS = 8;
const CONFIG: EngineConfig = { feeAccountId: 0, maxOpenOrdersPerAccount: 1_000_000 };
const STEP_MS = 100;
const T0 = Date.UTC(2026, 0, 1);
const USD = 1;

export const performanceSuite: Suite = {
  name: 'performance',
  title: "Performance report: one busy account's series from the read models",
  async run(o) {
    const measurements: Measurement[] = [];
    for (const profile of o.profiles) measurements.push(...(await measure(profile, o)));
    return {
      measurements,
      notes: [
        'n = the account\'s fills; "commands/s" = fills walked per second of wall time per report',
      ],
    };
  },
};

/** The workload stamped 100 ms apart, applied to an engine, with each command's events. */
function applied(profile: ProfileName, o: BenchOptions): { engine: Engine; log: AppliedCommand[] } {
  const engine = new Engine(CONFIG);
  const log: AppliedCommand[] = [];
  const commands = referenceStream(profile, o, { accounts: ACCOUNTS, config: CONFIG });
  commands.forEach((c, i) => {
    const command = { ...c, seq: i + 1, ts: T0 + i * STEP_MS } as Command;
    log.push({ seq: i + 1, ts: command.ts, command, events: [...engine.apply(command)] });
  });
  return { engine, log };
}

async function measure(profile: ProfileName, o: BenchOptions): Promise<Measurement[]> {
  const { engine, log } = applied(profile, o);
  const fills = new Map<number, number>();
  for (const ac of log) {
    for (const e of ac.events) {
      if (e.type !== 'fill') continue;
      for (const a of [e.takerAccountId, e.makerAccountId]) fills.set(a, (fills.get(a) ?? 0) + 1);
    }
  }
  const [accountId, n] = [...fills].sort((x, y) => y[1] - x[1])[0] ?? [1, 0];
  const dir = mkdtempSync(join(tmpdir(), 'bourse-bench-performance-'));
  const rm = await openSqliteReadModels(join(dir, 'read.db'));
  try {
    progress(
      `performance/${profile}: storing ${log.length} commands; account ${accountId} has ${n} fills`,
    );
    for (let i = 0; i < log.length; i += 4096) await rm.apply(log.slice(i, i + 4096));
    const toTs = log.at(-1)!.ts;
    const out: Measurement[] = [];
    for (const interval of ['1h', '1m'] as const) {
      const fromTs = interval === '1m' ? toTs - 3_000 * 60_000 : undefined;
      out.push(await time(rm, engine, { accountId, toTs, fromTs, interval }, profile, o, n));
    }
    return out;
  } finally {
    await rm.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function time(
  rm: ReadModels,
  engine: Engine,
  q: { accountId: number; toTs: number; fromTs: number | undefined; interval: '1h' | '1m' },
  profile: ProfileName,
  o: BenchOptions,
  n: number,
): Promise<Measurement> {
  const runs: number[] = [];
  let valid = true;
  let points = 0;
  for (let r = 0; r < Math.max(1, o.runs); r++) {
    const start = process.hrtime.bigint();
    const report = await rm.performance({ ...q, assetId: USD });
    const s = Number(process.hrtime.bigint() - start) / 1e9;
    runs.push(n / s);
    points = report.points.length;
    const last = report.points.at(-1)!;
    const usd = engine.balances(q.accountId).find((b) => b.assetId === USD);
    const realised = engine.positions(q.accountId).reduce((x, p) => x + p.realisedPnl, 0);
    valid &&= last.cash === (usd?.available ?? 0) + (usd?.reserved ?? 0);
    valid &&= last.realisedPnl === realised;
  }
  const sorted = [...runs].sort((a, b) => a - b);
  return {
    suite: 'performance',
    name: `report, ${q.interval} buckets (${points} points)`,
    profile,
    n,
    seed: o.seed,
    commandsPerSec: sorted[Math.floor(sorted.length / 2)]!,
    runsPerSec: runs,
    valid,
    validation: "last point's cash and realised P&L = the engine's",
  };
}
