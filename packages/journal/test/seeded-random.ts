// Small seeded PRNG (mulberry32) for the fuzz tests: a failing case is reproduced by its seed.

export type Random = {
  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number;
  bytes(length: number): Uint8Array;
};

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
  return {
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    bytes: (length) => {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i] = Math.floor(next() * 256);
      return out;
    },
  };
}

/** Deterministic payload for a seq, so any reader can check content without a side table. */
export function payloadFor(seq: number, length = 8 + (seq % 97)): Uint8Array {
  return seededRandom(seq * 7919).bytes(length);
}
