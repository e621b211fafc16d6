// The snapshot taken in two parts, as a server takes it: `captureSnapshot` between two commands, then
// `encodeSnapshot` after any number of later commands, on another thread's copy of the capture. The
// bytes must be those `snapshot()` gives at the capture's seq, and must restore that state exactly.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureBuffers, Engine, encodeSnapshot, verifyInvariants } from '../src/index.ts';
import { CommandGenerator } from './support/command-generator.ts';
import { lim, market } from './support/order-fixtures.ts';
import { Prng } from './support/prng.ts';

const CONFIG = { feeAccountId: 0, maxOpenOrdersPerAccount: 150 };

function generatedEngine(seed: number, accounts: number, binary: number, spot: number) {
  const gen = new CommandGenerator(new Prng(seed), accounts, binary, spot);
  const engine = new Engine(CONFIG);
  gen.fundsOf = (accountId, assetId) => engine.balance(accountId, assetId).available;
  const run = (commands: number) => {
    for (let i = 0; i < commands; i++) gen.observe(engine.apply(gen.next().command));
  };
  return { engine, run };
}

/** The capture as the encoder thread receives it: cloned, its buffers moved (so detached here). */
function moved<T extends Parameters<typeof captureBuffers>[0]>(capture: T): T {
  return structuredClone(capture, { transfer: captureBuffers(capture) });
}

for (const [seed, accounts, binary, spot] of [
  [1, 40, 5, 0],
  [42, 40, 0, 4],
  [20_261_207, 40, 4, 2],
  [7, 3_000, 4, 2],
] as const) {
  test(`a capture encodes to the snapshot of its seq, whatever comes after it (seed ${seed}, ${accounts} accounts)`, () => {
    const { engine, run } = generatedEngine(seed, accounts, binary, spot);
    run(accounts * 8);
    const bytes = engine.snapshot();
    const json = engine.snapshotJson();
    const hash = engine.stateHash();
    const seq = engine.lastSeq;
    const capture = engine.captureSnapshot();
    assert.equal(capture.seq, seq);
    run(2_000);
    assert.notEqual(engine.stateHash(), hash, 'the later commands changed the state');
    const encoded = encodeSnapshot(moved(capture));
    assert.deepEqual(encoded, bytes);
    const restored = Engine.restore(encoded);
    assert.equal(restored.stateHash(), hash);
    assert.equal(restored.lastSeq, seq);
    // The JSON form is written from the engine's own records, not from the columns: positions and
    // open lots (which the encoder takes from the holders and the books) agree with it.
    assert.deepEqual(restored.snapshotJson(), json);
    assert.deepEqual(verifyInvariants(restored), []);
  });
}

test('a capture shares no memory with the engine: its buffers move to another thread', () => {
  const { engine, run } = generatedEngine(3, 40, 4, 2);
  run(3_000);
  const bytes = engine.snapshot();
  const capture = engine.captureSnapshot();
  const copy = moved(capture);
  assert.equal(capture.accounts.byteLength, 0, 'the moved capture is detached here');
  // The engine's own columns were not moved with it.
  run(1);
  assert.deepEqual(encodeSnapshot(copy), bytes);
});

test('accounts created out of the order of their ids are written sorted by id', () => {
  const h = market([9, 3, 7, 1, 5]);
  h.ok(lim(7, 'buy', 4_000, 300));
  h.ok(lim(3, 'sell', 4_000, 200, { clientOrderId: 'c-3' }));
  h.ok(lim(9, 'sell', 6_000, 100));
  h.must({ type: 'setAccountFrozen', accountId: 5, frozen: true });
  const bytes = h.engine.snapshot();
  const json = h.engine.snapshotJson();
  const capture = h.engine.captureSnapshot();
  h.ok(lim(1, 'buy', 6_000, 100));
  const encoded = encodeSnapshot(moved(capture));
  assert.deepEqual(encoded, bytes);
  const ids = JSON.parse(new TextDecoder().decode(json)).accounts.map((a: { id: number }) => a.id);
  assert.deepEqual(ids, [0, 1, 3, 5, 7, 9]);
  assert.deepEqual(Engine.restore(encoded).snapshotJson(), json);
});
