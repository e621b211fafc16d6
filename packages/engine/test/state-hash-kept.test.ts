// The state hash keeps its accounts' and holders' parts between calls, marked where the engine changes
// an account. On seeded random streams, at random points, the kept hash must equal the same digest
// taken by a walk of every account (a missed mark leaves a stale account digest behind), whichever
// way the commands were applied (with events, as bytes, or for the state alone), across a restore,
// and after an asset added once accounts exist (which changes the shape of every account's balances).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteWriter, type Command, Engine } from '../src/index.ts';
import { fullStateDigest } from '../src/state-digest.ts';
import { CommandGenerator } from './support/command-generator.ts';
import { Prng, seedFromEnv } from './support/prng.ts';

const CONFIG = { feeAccountId: 0, maxOpenOrdersPerAccount: 150 };
const COMMANDS = 8_000;

/** Applies `c` to `e` one of the three ways, chosen by `mode`. */
function applyBy(e: Engine, c: Command, mode: number, w: ByteWriter): void {
  if (mode === 0) e.apply(c);
  else if (mode === 1) e.applyQuietly(c);
  else {
    w.pos = 0;
    e.applyEncoded(c, w);
  }
}

function checkKept(e: Engine, where: string): string {
  const kept = e.stateHash();
  assert.equal(kept, fullStateDigest(e, e.accountList), `kept hash is stale ${where}`);
  return kept;
}

for (const seed of [seedFromEnv(7), 20_261_207, 99]) {
  test(`the kept state hash equals a full walk after random commands (seed ${seed})`, () => {
    const rng = new Prng(seed ^ 0x5bd1e995);
    const gen = new CommandGenerator(new Prng(seed), 40, 4, 2);
    // The driver applies with events (the generator follows them); the subject applies the same
    // commands in turns of each way and is the engine checked.
    const driver = new Engine(CONFIG);
    gen.fundsOf = (accountId, assetId) => driver.balance(accountId, assetId).available;
    let subject = new Engine(CONFIG);
    const w = new ByteWriter();
    let mode = 0;
    let nextCheck = rng.int(1, 60);
    for (let i = 0; i < COMMANDS; i++) {
      const { command } = gen.next();
      gen.observe(driver.apply(command));
      applyBy(subject, command, mode, w);
      if (i === COMMANDS / 2) {
        // A restored engine starts its cache from nothing, then keeps it from there.
        subject = Engine.restore(subject.snapshot());
        checkKept(subject, `after a restore at command ${i}`);
      }
      if (i === nextCheck) {
        const where = `after command ${i} (seq ${command.seq}, ${command.type}, seed ${seed})`;
        assert.equal(checkKept(subject, where), driver.stateHash(), `same journal ${where}`);
        nextCheck = i + rng.int(1, 60);
        mode = rng.int(0, 2);
      }
    }
    // An asset added now grows every account's balances.
    const last = { seq: 1_000_000, ts: 1_000_000 };
    const asset = { ...last, type: 'createAsset', assetId: 77, code: 'NEW', scale: 100 } as Command;
    driver.apply(asset);
    subject.apply(asset);
    assert.equal(checkKept(subject, 'after a new asset'), driver.stateHash());
  });
}
