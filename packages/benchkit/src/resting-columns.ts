// A stream that only adds resting orders (bids below the anchor, asks above, never crossing), used to
// measure the heap one resting order costs a book. Quantities 1..100, ids 1..n.

import { BUY, SELL } from './reference-book.ts';
import {
  emptyColumns,
  PROFILES,
  type ProfileName,
  T_LIMIT,
  type WorkloadColumns,
} from './workload.ts';

export function restingColumns(profile: ProfileName, n: number): WorkloadColumns {
  const P = PROFILES[profile];
  const bidLevels = P.anchor - P.lo;
  const askLevels = P.hi - P.anchor;
  const cols = emptyColumns(n);
  for (let i = 0; i < n; i++) {
    const buy = (i & 1) === 0;
    const k = i >>> 1;
    cols.type[i] = T_LIMIT;
    cols.side[i] = buy ? BUY : SELL;
    cols.id[i] = i + 1;
    cols.price[i] = buy ? P.anchor - 1 - (k % bidLevels) : P.anchor + 1 + (k % askLevels);
    cols.qty[i] = 1 + (i % 100);
  }
  return cols;
}
