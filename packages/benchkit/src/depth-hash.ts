// The canonical depth hash of the reference workload: FNV-1a (32-bit) over the text of the aggregate
// book, price and open quantity per level, best first. Order counts and time priority do not enter it,
// so any correct price-time engine that replays a stream must reach the hash the generator wrote.

/** FNV-1a over "B<p>:<v>;…|A<p>:<v>;…": the canonical depth hash every driver of the workload shares. */
export function depthHash(depth: {
  readonly bids: readonly (readonly number[])[];
  readonly asks: readonly (readonly number[])[];
}): string {
  let h = 0x811c9dc5;
  const feed = (str: string): void => {
    for (let i = 0; i < str.length; i++) {
      h ^= str.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  };
  for (const [p, v] of depth.bids) feed(`B${p}:${v};`);
  feed('|');
  for (const [p, v] of depth.asks) feed(`A${p}:${v};`);
  return (h >>> 0).toString(16).padStart(8, '0');
}
