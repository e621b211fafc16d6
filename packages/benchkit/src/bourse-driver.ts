// Drives the full Bourse engine: a fresh engine per replay with the benchmark market set up untimed;
// the timed loops call `engine.apply(command)` and nothing else (events as objects), or the paths the
// server runs: `engine.applyEncoded(command, writer)`, the events written as bytes as the server's
// engine thread writes them (the writer reused, rewound when it has filled a megabyte), or
// `engine.applyQuietly(command)`, the state alone, as replay, restart and catch-up apply a journal.

import { ByteWriter, type Command, Engine } from '@bourse/engine';
import type { BookDriver } from './book-driver.ts';
import type { BourseOptions } from './bourse-commands.ts';
import { INSTRUMENT_ID, setupCommands, UNITS } from './bourse-market.ts';
import type { Depth } from './reference-book.ts';

/** Bytes of encoded events a replay keeps before rewinding its writer. */
const WRITER_BYTES = 1 << 20;

/** An engine class: this checkout's, or another checkout's for a before/after pair in one process. */
export type EngineClass = new (config: {
  feeAccountId: number;
  maxOpenOrdersPerAccount: number;
}) => Engine;

/** How a driver's engine hands out each command's events: objects, bytes, or not at all. */
export type BourseEvents = 'objects' | 'bytes' | 'none';

export function bourseDriver(
  o: BourseOptions,
  events: BourseEvents = 'objects',
  engine: { readonly name: string; readonly create: EngineClass } = {
    name: 'bourse',
    create: Engine,
  },
): BookDriver<Engine, Command> {
  const setup = setupCommands(o.profile, o.accounts, o.breaker);
  const units = UNITS[o.profile];
  if (events === 'bytes') {
    const plain = bourseDriver(o, 'objects', engine);
    return encodedDriver(plain, `${plain.name}, events as bytes`);
  }
  if (events === 'none') {
    const plain = bourseDriver(o, 'objects', engine);
    return quietDriver(plain, `${plain.name}, state only`);
  }
  const EngineImpl = engine.create;
  return {
    name: o.breaker === undefined ? engine.name : `${engine.name}+breaker`,
    create() {
      const e = new EngineImpl({
        feeAccountId: 0,
        maxOpenOrdersPerAccount: o.maxOpenOrdersPerAccount,
      });
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

/** The same engine and market, each command applied with its events written as bytes. */
function encodedDriver(
  plain: BookDriver<Engine, Command>,
  name: string,
): BookDriver<Engine, Command> {
  const w = new ByteWriter(WRITER_BYTES + 64 * 1024);
  return {
    name,
    create: plain.create,
    depth: plain.depth,
    replay(e, commands) {
      for (let i = 0; i < commands.length; i++) {
        if (w.pos > WRITER_BYTES) w.pos = 0;
        e.applyEncoded(commands[i]!, w);
      }
    },
    replayTimed(e, commands, ns) {
      for (let i = 0; i < commands.length; i++) {
        const c = commands[i]!;
        if (w.pos > WRITER_BYTES) w.pos = 0;
        const t0 = process.hrtime.bigint();
        e.applyEncoded(c, w);
        ns[i] = Number(process.hrtime.bigint() - t0);
      }
    },
  };
}

/** The same engine and market, each command applied for its state alone (`applyQuietly`). */
function quietDriver(
  plain: BookDriver<Engine, Command>,
  name: string,
): BookDriver<Engine, Command> {
  return {
    name,
    create: plain.create,
    depth: plain.depth,
    replay(e, commands) {
      for (let i = 0; i < commands.length; i++) e.applyQuietly(commands[i]!);
    },
    replayTimed(e, commands, ns) {
      for (let i = 0; i < commands.length; i++) {
        const c = commands[i]!;
        const t0 = process.hrtime.bigint();
        e.applyQuietly(c);
        ns[i] = Number(process.hrtime.bigint() - t0);
      }
    },
  };
}
