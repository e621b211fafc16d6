// xoshiro128** seeded by splitmix32: the workload's only source of randomness. Every step is 32-bit
// integer arithmetic (`Math.imul`, `>>> 0`), so one seed yields the same stream on every JavaScript engine
// and in any language that ports these lines.

export interface Rng {
  /** Next raw 32-bit output, 0..2^32−1. */
  u32(): number;
  /** Uniform in [0, 1), exactly `u32() / 2^32`. */
  float(): number;
  /** Uniform integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number;
}

const TWO_POW_32 = 4294967296;

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** splitmix32: expands one 32-bit seed into the four words of xoshiro's state. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function makeRng(seed: number): Rng {
  const sm = splitmix32(seed);
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm();
  const u32 = (): number => {
    const r = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return r;
  };
  return {
    u32,
    float: () => u32() / TWO_POW_32,
    int: (lo, hi) => lo + Math.floor((u32() / TWO_POW_32) * (hi - lo + 1)),
  };
}
