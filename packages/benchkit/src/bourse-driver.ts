// Drives the full Bourse engine: a fresh engine per replay with the benchmark market set up untimed;
// the timed loops call `engine.apply(command)` and nothing else.

import { type Command, Engine } from '@bourse/engine';
import type { BookDriver } from './book-driver.ts';
import type { BourseOptions } from './bourse-commands.ts';
import { INSTRUMENT_ID, setupCommands, UNITS } from './bourse-market.ts';
import type { Depth } from './reference-book.ts';

export function bourseDriver(o: BourseOptions): BookDriver<Engine, Command> {
  const setup = setupCommands(o.profile, o.accounts, o.breaker);
  const units = UNITS[o.profile];
  return {
    name: o.breaker === undefined ? 'bourse' : 'bourse+breaker',
    create() {
      const e = new Engine({ feeAccountId: 0, maxOpenOrdersPerAccount: o.maxOpenOrdersPerAccount });
      for (const c of setup) {
        const ev = e.apply(c);
        if (ev[0]?.type === 'rejected')
          throw new Error(`set-up ${c.type} refused: ${ev[0].reason}`);
      }
      return e;
    },
    replay(e, commands) {
      for (let i = 0; i < commands.length; i++) e.apply(commands[i]!);
    },
    replayTimed(e, commands, ns) {
      for (let i = 0; i < commands.length; i++) {
        const c = commands[i]!;
        const t0 = process.hrtime.bigint();
        e.apply(c);
        ns[i] = Number(process.hrtime.bigint() - t0);
      }
    },
    depth(e): Depth {
      const book = e.book(INSTRUMENT_ID);
      if (!book) throw new Error('benchmark instrument missing');
      const level = ([p, q, n]: readonly [number, number, number]): [number, number, number] => [
        p / units.priceTicks,
        q / units.qtyLots,
        n,
      ];
      return { bids: book.bids.map(level), asks: book.asks.map(level) };
    },
  };
}
