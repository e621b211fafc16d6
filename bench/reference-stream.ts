// The reference workload as Bourse commands, shared by the suites that replay it (replay, history,
// backtest, performance): the set-up (asset, accounts, market) followed by the generated orders.

import { generate, type ProfileName, prepareBourse, setupCommands } from '@bourse/benchkit';
import type { Command, EngineConfig } from '@bourse/engine';
import type { BenchOptions } from './options.ts';

export interface StreamShape {
  readonly accounts: number;
  readonly config: EngineConfig;
  /**
   * Stamp the orders one millisecond apart after the set-up: the workload's own stamps count from 0,
   * behind the set-up's, which a core or a strategy's timers would read as time running backwards.
   */
  readonly restamp?: boolean;
}

export function referenceStream(profile: ProfileName, o: BenchOptions, s: StreamShape): Command[] {
  const w = generate({ profile, n: o.n, seed: o.seed, mix: o.mix });
  const prepared = prepareBourse(w.cols, {
    profile,
    accounts: s.accounts,
    maxOpenOrdersPerAccount: s.config.maxOpenOrdersPerAccount,
  });
  const setup = setupCommands(profile, s.accounts);
  if (s.restamp !== true) return [...setup, ...prepared.commands];
  const t0 = setup[setup.length - 1]!.ts;
  return [...setup, ...prepared.commands.map((c, i) => ({ ...c, ts: t0 + 1 + i }))];
}

/** The middle value (the upper one of an even count). */
export const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
