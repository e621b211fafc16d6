// Malformed input must come back as a rejection, never as an exception (an exception stops the
// shard) and never as a partial change. Valid commands from the simulation generator get one field
// replaced by a hostile value (wrong type, NaN, ±Infinity, huge, negative, fractional, null, empty,
// objects); the engine must not throw, a rejection must leave the hash unchanged, and the
// invariants must hold.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Command, Engine, verifyInvariants } from '../src/index.ts';
import { CommandGenerator } from './support/command-generator.ts';
import { Prng, seedFromEnv } from './support/prng.ts';

const SEED = seedFromEnv(9_001);
const COMMANDS = 20_000;

const HOSTILE: readonly unknown[] = [
  null,
  undefined,
  '',
  '7',
  'buy',
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -1,
  0,
  0.5,
  1e300,
  2 ** 53,
  -(2 ** 53),
  true,
  {},
  [],
  [1],
  { valueOf: () => 5 },
  'x'.repeat(10_000),
  '\u0000',
];

/** Replaces one field (possibly nested in a spec) of `c` with a hostile value. */
function corrupt(rng: Prng, c: Command): Command {
  const copy = structuredCloneCommand(c);
  const root = copy as unknown as Record<string, unknown>;
  const spec = root.spec as Record<string, unknown> | undefined;
  const target = spec !== undefined && rng.chance(0.7) ? spec : root;
  const keys = Object.keys(target).filter((k) => k !== 'seq' && k !== 'ts');
  if (keys.length === 0) return copy;
  const key = rng.pick(keys);
  const nested = target[key];
  if (nested !== null && typeof nested === 'object' && rng.chance(0.5)) {
    const inner = nested as Record<string, unknown>;
    const innerKeys = Object.keys(inner);
    if (innerKeys.length > 0) inner[rng.pick(innerKeys)] = rng.pick(HOSTILE);
  } else {
    target[key] = rng.pick(HOSTILE);
  }
  return copy;
}

function structuredCloneCommand(c: Command): Command {
  const copy = { ...c } as Record<string, unknown>;
  if ('spec' in c) {
    const spec = { ...c.spec } as Record<string, unknown>;
    spec.fees = { ...c.spec.fees };
    spec.limits = { ...c.spec.limits };
    copy.spec = spec;
  }
  return copy as unknown as Command;
}

test(`hostile field values are rejected without exceptions or changes (SEED=${SEED})`, () => {
  const rng = new Prng(SEED);
  const gen = new CommandGenerator(new Prng(SEED + 1), 20, 4, 2);
  const engine = new Engine({ feeAccountId: 0, maxOpenOrdersPerAccount: 200 });
  let rejected = 0;
  for (let i = 0; i < COMMANDS; i++) {
    const { command } = gen.next();
    // Keep setup intact so later commands have something to hit; corrupt a third of the rest.
    const hostile = i > 200 && rng.chance(0.33);
    const c = hostile ? corrupt(rng, command) : command;
    const before = hostile ? engine.stateHash() : '';
    let events: ReturnType<Engine['apply']>;
    try {
      events = engine.apply(c);
    } catch (err) {
      assert.fail(`command #${i} threw (SEED=${SEED}): ${String(err)}\n${JSON.stringify(c)}`);
    }
    if (hostile && events.length === 1 && events[0]!.type === 'rejected') {
      rejected++;
      assert.equal(
        engine.stateHash(),
        before,
        `rejected command #${i} changed state: ${JSON.stringify(c)}`,
      );
    }
    gen.observe(events);
    if (i % 500 === 499)
      assert.deepEqual(verifyInvariants(engine), [], `after command #${i} (SEED=${SEED})`);
  }
  assert.ok(rejected > 3_000, `only ${rejected} hostile commands were rejected`);
  assert.deepEqual(verifyInvariants(engine), []);
});
