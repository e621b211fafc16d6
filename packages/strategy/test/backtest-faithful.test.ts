// The backtest changes the recorded flow only through the strategy's own orders. On a seeded random
// stream of every kind of command (orders of every type, cancels, amends, decreases, order groups,
// ledger moves, pauses, halts, settlements, bad commands), a strategy that only watches leaves every
// book, balance and position exactly as the plain replay does and sees the same refusals, although
// every recorded seq, order id and group id was renumbered around it; with the example market maker
// trading in it, the engine's invariants still hold.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Command, Engine, verifyInvariants } from '@bourse/engine';
import marketMaker from '../../../examples/strategies/market-maker.ts';
import { CommandGenerator } from '../../engine/test/support/command-generator.ts';
import { Prng, seedFromEnv } from '../../engine/test/support/prng.ts';
import { BACKTEST_ACCOUNT_ID, runBacktest, type Strategy } from '../src/index.ts';

const SEED = seedFromEnv(20261206);
const COMMANDS = Number(process.env.BACKTEST_COMMANDS ?? 6_000);
const MARKET = 'SIM-100';

/** The stream, and the engine that applied it with the refusals it made. */
function recorded(): { commands: Command[]; reference: Engine; rejected: number } {
  const gen = new CommandGenerator(new Prng(SEED), 12, 2, 1);
  const reference = new Engine();
  const commands: Command[] = [];
  let rejected = 0;
  for (let i = 0; i < COMMANDS; i++) {
    const { command } = gen.next();
    const events = reference.apply(command);
    if (events[0]?.type === 'rejected') rejected++;
    gen.observe(events);
    commands.push(command);
  }
  return { commands, reference, rejected };
}

function backtest(commands: readonly Command[], strategy: Strategy) {
  const engine = new Engine();
  const result = runBacktest(engine, commands, strategy, {
    from: commands[0]!.ts,
    to: commands[commands.length - 1]!.ts,
    latencyMs: 3,
    fees: true,
    cash: 1_000_000_000_000,
    accountId: BACKTEST_ACCOUNT_ID,
  });
  return { engine, result };
}

/** What the recorded participants hold, without the ids the backtest renumbers. */
function holdings(e: Engine) {
  const accounts = e
    .accounts()
    .filter((a) => a.accountId !== BACKTEST_ACCOUNT_ID)
    .map((a) => ({
      accountId: a.accountId,
      balances: e.balances(a.accountId),
      positions: e.positions(a.accountId),
      openOrders: e.openOrders(a.accountId).map(({ orderId, orderGroupId, ...o }) => o),
    }));
  const books = e.instruments().map((i) => ({ spec: i.spec, book: e.book(i.spec.instrumentId) }));
  return { accounts, books, halted: e.instruments().map((i) => i.status) };
}

test(`a watching strategy leaves the recorded flow as the plain replay has it (seed ${SEED})`, () => {
  const { commands, reference, rejected } = recorded();
  const { engine, result } = backtest(commands, { markets: [MARKET] });
  assert.equal(result.recorded.commands, commands.length);
  assert.equal(result.recorded.rejected, rejected, 'the same commands were refused');
  assert.deepEqual(holdings(engine), holdings(reference));
  assert.deepEqual(verifyInvariants(engine), []);
});

test(`with the example market maker trading in it, the invariants hold (seed ${SEED})`, () => {
  const { commands } = recorded();
  const { engine, result } = backtest(commands, marketMaker({ market: MARKET, timerMs: '500' }));
  assert.ok(result.orders.placed > 0, 'it quoted');
  assert.deepEqual(verifyInvariants(engine), []);
  for (const f of result.fills) assert.ok(f.priceTicks > 0 && f.qtyLots > 0);
});
