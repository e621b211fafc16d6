// The plain order's own path (place-plain-order.ts) against the general one: a seeded simulation
// stream is applied twice, once as generated and once with every placement that has no self-trade
// mode given the default one explicitly (`cancelTaker`), which means the same order but keeps it off
// the plain path. Both engines must emit the same events for every command and end on the same
// state hash; the stream sends about a sixth of its placements down the plain path (it exercises every feature).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Command, Engine } from '../src/index.ts';
import { isPlainOrder } from '../src/place-plain-order.ts';
import { CommandGenerator } from './support/command-generator.ts';
import { Prng, seedFromEnv } from './support/prng.ts';

const SEED = seedFromEnv(20_261_207);
const COMMANDS = 30_000;
const CONFIG = { feeAccountId: 0, maxOpenOrdersPerAccount: 150 };

/** The same command, kept off the plain path: the default self-trade mode spelled out. */
function general(c: Command): Command {
  return c.type === 'placeOrder' && c.stp === undefined ? { ...c, stp: 'cancelTaker' } : c;
}

test(`a plain order takes its own path to the general path's events and state (SEED=${SEED})`, () => {
  const gen = new CommandGenerator(new Prng(SEED), 40, 6, 3);
  const plain = new Engine(CONFIG);
  const other = new Engine(CONFIG);
  gen.fundsOf = (accountId, assetId) => plain.balance(accountId, assetId).available;
  let placements = 0;
  let plainOnes = 0;
  for (let i = 0; i < COMMANDS; i++) {
    const { command } = gen.next();
    if (command.type === 'placeOrder') {
      placements++;
      if (isPlainOrder(command)) plainOnes++;
    }
    const events = plain.apply(command);
    const seen = JSON.stringify(events);
    const expected = JSON.stringify(other.apply(general(command)));
    if (seen !== expected) {
      assert.fail(`command #${i} ${JSON.stringify(command)}:\n${seen}\n≠ ${expected}`);
    }
    gen.observe(events);
  }
  assert.equal(plain.stateHash(), other.stateHash());
  assert.ok(plainOnes > placements / 10, `${plainOnes} of ${placements} placements were plain`);
});
