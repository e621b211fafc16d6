// The gateway's typed-array id table against a Map over a long random run of sets, overwrites and
// deletes (keys near each other and far apart, through many doublings), so probing and backward-shift
// deletion never lose or invent an entry; and bad ids are refused.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng } from '../../engine/test/support/prng.ts';
import { IdTable } from '../src/id-table.ts';

test('an id table holds what a Map holds through random sets and deletes', () => {
  const rng = new Prng(7);
  const table = new IdTable(4);
  const map = new Map<number, number>();
  let next = 1;
  const live: number[] = [];
  for (let i = 0; i < 200_000; i++) {
    const roll = rng.next() / 0x1_0000_0000;
    if (roll < 0.55 || live.length === 0) {
      // Order ids grow; now and then one from far away (an old order, a huge id).
      const id = rng.chance(0.05) ? rng.int(0, 2 ** 31) * 4096 + rng.int(0, 4095) : next++;
      const value = rng.int(0, 1_000_000);
      table.set(id, value);
      if (!map.has(id)) live.push(id);
      map.set(id, value);
    } else if (roll < 0.6) {
      const id = live[rng.int(0, live.length - 1)]!;
      table.set(id, -5);
      map.set(id, -5);
    } else {
      const at = rng.int(0, live.length - 1);
      const id = live[at]!;
      live[at] = live.at(-1)!;
      live.pop();
      assert.equal(table.delete(id), true);
      map.delete(id);
      assert.equal(table.delete(id), false);
    }
    assert.equal(table.size, map.size);
    if (i % 1_000 === 0) {
      for (const [id, value] of map) assert.equal(table.get(id), value);
      assert.equal(table.get(next + 10), -1);
      assert.equal(table.get(next + 10, 0), 0);
      assert.equal(table.has(next + 10), false);
    }
  }
  for (const [id, value] of map) assert.equal(table.get(id), value);
  for (const id of live) table.delete(id);
  assert.equal(table.size, 0);
});

test('an id table refuses ids that are not non-negative safe integers', () => {
  const table = new IdTable();
  for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
    assert.throws(() => table.set(bad, 1), RangeError);
  }
  assert.throws(() => new IdTable(12), RangeError);
  assert.equal(table.size, 0);
});
