// The backtest suite: recorded commands per second through `bourse backtest`'s pipeline (the journal
// read and decoded, the real engine, the driver and a strategy), beside the bare engine applying the
// same stream in memory in the same run. The reference workload is journaled into a data directory
// (binary records, a snapshot every quarter), then backtested over the whole journal with a strategy
// that only watches, the example market maker (requoting every 100 simulated ms) and the example
// mean-reversion taker (called on every trade and book change).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instrumentSpec, type ProfileName } from '@bourse/benchkit';
import { withDataDirHistory } from '@bourse/core';
import { type Command, Engine, type EngineConfig } from '@bourse/engine';
import { BACKTEST_ACCOUNT_ID, DEFAULT_CASH, reportJson, type Strategy } from '@bourse/strategy';
import { backtestSource } from '../../apps/bourse/src/backtest-source.ts';
import marketMaker from '../../examples/strategies/market-maker.ts';
import meanReversion from '../../examples/strategies/mean-reversion.ts';
import type { BenchOptions } from '../options.ts';
import { type Measurement, profileSuite, progress, type Suite } from '../report.ts';
import { median, referenceStream } from '../reference-stream.ts';
import { buildDataDir } from '../replay/data-dir.ts';

const ACCOUNTS = 64;
const CONFIG: EngineConfig = { feeAccountId: 0, maxOpenOrdersPerAccount: 1_000_000 };
/** Restamped: the strategies' timers need time that runs forward from the set-up. */
const STREAM = { accounts: ACCOUNTS, config: CONFIG, restamp: true };

interface Contender {
  readonly name: string;
  readonly strategy: (market: string) => Strategy;
}

const CONTENDERS: readonly Contender[] = [
  { name: 'backtest, a strategy that only watches', strategy: (market) => ({ markets: [market] }) },
  {
    name: 'backtest, example market maker (timer 100 ms)',
    strategy: (market) => marketMaker({ market, timerMs: '100' }),
  },
  {
    name: 'backtest, example mean reversion (edge 0; every trade and book change)',
    strategy: (market) => meanReversion({ market, window: '20', edge: '0' }),
  },
];

export const backtestSuite: Suite = profileSuite(
  'backtest',
  'Backtests: recorded commands per second through the engine with a strategy',
  measureProfile,
);

async function measureProfile(
  profile: ProfileName,
  o: BenchOptions,
  notes: string[],
): Promise<Measurement[]> {
  const commands = referenceStream(profile, o, STREAM);
  const market = instrumentSpec(profile).symbol;
  const dir = mkdtempSync(join(tmpdir(), 'bourse-bench-backtest-'));
  try {
    progress(`backtest/${profile}: journaling ${commands.length} commands`);
    await buildDataDir(dir, commands, {
      format: 'binary',
      config: CONFIG,
      snapshotEvery: Math.floor(commands.length / 4),
    });
    const bare: number[] = [];
    let bareRejected = 0;
    const rates = CONTENDERS.map(() => [] as number[]);
    const reports = CONTENDERS.map(() => new Set<string>());
    const idleRejected = new Set<number>();
    for (let run = 0; run < o.runs; run++) {
      progress(`backtest/${profile}: run ${run + 1} of ${o.runs}`);
      const t0 = performance.now();
      bareRejected = bareReplay(commands);
      bare.push(commands.length / ((performance.now() - t0) / 1000));
      for (const [i, c] of CONTENDERS.entries()) {
        const started = performance.now();
        const { result } = await withDataDirHistory(dir, (source) =>
          backtestSource(source, c.strategy(market), {
            from: undefined,
            to: undefined,
            latencyMs: 1,
            fees: true,
            cash: DEFAULT_CASH,
            accountId: BACKTEST_ACCOUNT_ID,
          }),
        );
        rates[i]!.push(result.recorded.commands / ((performance.now() - started) / 1000));
        reports[i]!.add(reportJson(result, { strategy: c.name, params: {} }));
        if (i === 0) idleRejected.add(result.recorded.rejected);
        if (run === 0) {
          const s = result.summary;
          notes.push(
            `backtest/${profile}: ${c.name}: ${result.orders.placed} orders, ${s.fills} fills, ` +
              `P&L ${s.pnl} (minor units), ${result.recorded.rejected} recorded commands refused`,
          );
        }
      }
    }
    const bareRate = median(bare);
    const base = { suite: 'backtest', profile, mix: o.mix, n: commands.length, seed: o.seed };
    return [
      {
        ...base,
        name: 'bare engine (apply only, stream in memory)',
        commandsPerSec: bareRate,
        runsPerSec: bare,
        valid: true,
        validation: 'reference',
      },
      ...CONTENDERS.map((c, i) => ({
        ...base,
        name: c.name,
        commandsPerSec: median(rates[i]!),
        runsPerSec: rates[i]!,
        valid:
          reports[i]!.size === 1 &&
          (i !== 0 || (idleRejected.size === 1 && idleRejected.has(bareRejected))),
        validation:
          'every run gave the same report bytes; the watching strategy saw exactly the bare replay’s refusals',
        peer: 'bare engine',
        ratio: median(rates[i]!) / bareRate,
      })),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Applies the stream to a fresh engine; the commands it refused. */
function bareReplay(commands: readonly Command[]): number {
  const engine = new Engine(CONFIG);
  let rejected = 0;
  for (let i = 0; i < commands.length; i++) {
    if (engine.apply(commands[i]!)[0]?.type === 'rejected') rejected++;
  }
  return rejected;
}
