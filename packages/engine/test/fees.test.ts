// The fee arithmetic's one-division fast path must give exactly what the two roundings up give (the
// exact integer result), on compiled Kalshi and basis-point rates, for every size of operand up to
// and past 2^52, where the exact multiply-divide takes over.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFeeRate, type FeeRate, feeOnBase } from '../src/fees.ts';
import { Prng } from './support/prng.ts';

/** ceil(ceil(base × qty × num / den) / unit) × unit, in BigInt: the rule, computed exactly. */
function exact(r: FeeRate, base: number, qty: number): number {
  if (r.mode === 0) return 0;
  const ceil = (a: bigint, b: bigint) => (a + b - 1n) / b;
  const raw = ceil(BigInt(base) * BigInt(qty) * BigInt(r.num), BigInt(r.den));
  return Number(ceil(raw, BigInt(r.unit)) * BigInt(r.unit));
}

/** A random integer of a random magnitude in [0, 2^bits). */
function sized(rng: Prng, maxBits: number): number {
  const bits = rng.int(1, maxBits);
  const hi = bits > 32 ? rng.int(0, 2 ** (bits - 32) - 1) : 0;
  const lo = bits >= 32 ? rng.next() : rng.int(0, 2 ** bits - 1);
  return hi * 2 ** 32 + lo;
}

test('a fee on a base is the exact result of both roundings up, at every magnitude', () => {
  const rng = new Prng(20261207);
  const rates: FeeRate[] = [
    compileFeeRate(
      { kind: 'kalshi', takerRatePpm: 70_000, makerRatePpm: 17_500, roundingUnit: 10_000 },
      'taker',
      10_000,
    ),
    compileFeeRate(
      { kind: 'kalshi', takerRatePpm: 70_000, makerRatePpm: 17_500, roundingUnit: 1 },
      'maker',
      100,
    ),
    compileFeeRate(
      { kind: 'kalshi', takerRatePpm: 123_457, makerRatePpm: 1, roundingUnit: 7 },
      'max',
      999_983,
    ),
    compileFeeRate({ kind: 'bps', takerBps: 5, makerBps: 1 }, 'taker', 0),
    compileFeeRate({ kind: 'bps', takerBps: 5, makerBps: 1 }, 'maker', 0),
    compileFeeRate({ kind: 'bps', takerBps: 9_999, makerBps: 3 }, 'max', 0),
  ];
  let checked = 0;
  for (const r of rates) {
    assert.notEqual(r.mode, 0);
    for (let i = 0; i < 40_000; i++) {
      const base = sized(rng, 40);
      const qty = sized(rng, 24);
      const got = feeOnBase(r, base, qty);
      // Only products the engine can reach: its order checks keep amounts safe integers.
      if (base * qty * r.num > Number.MAX_SAFE_INTEGER) continue;
      assert.equal(got, exact(r, base, qty), `base ${base} qty ${qty} rate ${JSON.stringify(r)}`);
      checked++;
    }
    // Around the 2^52 boundary of the fast path, and exact multiples of den × unit.
    for (const x of [2 ** 52 - 1, 2 ** 52, 2 ** 52 + 1, 2 ** 53 - 2]) {
      const base = Math.floor(x / r.num);
      assert.equal(feeOnBase(r, base, 1), exact(r, base, 1));
    }
    for (let k = 1; k < 2_000; k++) {
      const base = k * r.den * r.unit;
      if (base * r.num > Number.MAX_SAFE_INTEGER) break;
      assert.equal(feeOnBase(r, base, 1), exact(r, base, 1));
      assert.equal(feeOnBase(r, base - 1, 1), exact(r, base - 1, 1));
    }
  }
  assert.ok(checked > 100_000);
});
