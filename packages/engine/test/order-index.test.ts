// The live-order index (open addressing, backward-shift deletion) against a plain Map: random
// inserts, lookups and deletes with a tiny starting table force collisions, wrap-around probe runs
// and growth.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OrderIndex } from '../src/order-index.ts';
import { OrderStore } from '../src/order-store.ts';
import { Prng, seedFromEnv } from './support/prng.ts';

const SEED = seedFromEnv(42);

function check(seed: number, startCapacity: number, ops: number, idRange: number): void {
  const rng = new Prng(seed);
  const store = new OrderStore([], 16);
  const index = new OrderIndex(store, startCapacity);
  const reference = new Map<number, number>();
  const ids: number[] = [];
  for (let step = 0; step < ops; step++) {
    const insert = ids.length === 0 || rng.chance(ids.length < 3_000 ? 0.6 : 0.45);
    if (insert) {
      // Ids beyond 2^32 exercise the high-bit mixing of the hash.
      const id = rng.chance(0.2) ? 2 ** 40 + rng.int(0, idRange) : 1 + rng.int(0, idRange);
      if (reference.has(id)) continue;
      const slot = store.alloc();
      store.id[slot] = id;
      index.set(id, slot);
      reference.set(id, slot);
      ids.push(id);
    } else {
      const k = rng.int(0, ids.length - 1);
      const id = ids[k]!;
      ids[k] = ids[ids.length - 1]!;
      ids.pop();
      const slot = reference.get(id)!;
      index.delete(id);
      reference.delete(id);
      store.release(slot);
    }
    if (step % 97 === 0 || step === ops - 1) {
      assert.equal(index.size, reference.size, `size at step ${step} (seed ${seed})`);
      for (const [id, slot] of reference)
        assert.equal(index.get(id), slot, `lookup ${id} (seed ${seed})`);
      for (let i = 0; i < 20; i++) {
        const missing = 1 + idRange + rng.int(1, 1_000);
        assert.equal(index.get(missing), -1);
      }
    }
  }
}

test('order index agrees with a Map through growth and many deletions', () => {
  check(SEED, 8, 20_000, 50_000);
});

test('order index survives dense ids in a small table (long probe runs, wrap-around)', () => {
  check(SEED + 1, 4, 8_000, 4_000);
});

test('deleting an absent id changes nothing', () => {
  const store = new OrderStore([], 4);
  const index = new OrderIndex(store, 4);
  const slot = store.alloc();
  store.id[slot] = 7;
  index.set(7, slot);
  index.delete(8);
  assert.equal(index.size, 1);
  assert.equal(index.get(7), slot);
});

test('a resting order costs at most 128 bytes of order store and index at every size', () => {
  // Capacity, not live orders, is what memory holds: growth must not leave so much unused that a
  // book just past a growth step pays more than 128 B per order (doubling paid up to ≈ 190 B).
  const store = new OrderStore([]);
  const index = new OrderIndex(store);
  let worst = 0;
  let worstAt = 0;
  for (let n = 1; n <= 400_000; n++) {
    const slot = store.alloc();
    store.id[slot] = n;
    index.set(n, slot);
    if (n < 1_000) continue;
    const perOrder = (store.byteLength() + index.byteLength()) / n;
    if (perOrder > worst) [worst, worstAt] = [perOrder, n];
  }
  assert.ok(worst <= 128, `${worst.toFixed(1)} B per order at ${worstAt} orders`);
});
