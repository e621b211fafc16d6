// Drives the bare typed-array book (`bare-book.ts`) through the workload: one small record per
// command prepared untimed, as the other drivers prepare theirs, and a timed loop that only applies.

import { BareBook } from './bare-book.ts';
import type { BookDriver } from './book-driver.ts';
import type { Depth, SideCode } from './reference-book.ts';
import {
  PROFILES,
  type ProfileName,
  T_AMEND,
  T_CANCEL,
  T_LIMIT,
  type WorkloadColumns,
} from './workload.ts';

export interface BarePayload {
  readonly t: number;
  readonly side: SideCode;
  readonly id: number;
  readonly price: number;
  readonly qty: number;
}

export function prepareBare(cols: WorkloadColumns): BarePayload[] {
  const out = new Array<BarePayload>(cols.n);
  for (let i = 0; i < cols.n; i++) {
    const side = cols.side[i]! as SideCode;
    if (cols.type[i]! > T_AMEND) throw new Error(`unknown command type ${cols.type[i]} at ${i}`);
    out[i] = { t: cols.type[i]!, side, id: cols.id[i]!, price: cols.price[i]!, qty: cols.qty[i]! };
  }
  return out;
}

function applyBare(b: BareBook, p: BarePayload): void {
  const t = p.t;
  if (t === T_LIMIT) b.limit(p.id, p.side, p.price, p.qty);
  else if (t === T_CANCEL) b.cancel(p.id);
  else if (t === T_AMEND) b.amend(p.id, p.price, p.qty);
  else b.market(p.side, p.qty);
}

export function bareBookDriver(profile: ProfileName): BookDriver<BareBook, BarePayload> {
  const P = PROFILES[profile];
  return {
    name: 'bare typed-array book',
    create: () => new BareBook(P.lo, P.hi),
    replay(b, payloads) {
      for (let i = 0; i < payloads.length; i++) applyBare(b, payloads[i]!);
    },
    replayTimed(b, payloads, ns) {
      for (let i = 0; i < payloads.length; i++) {
        const p = payloads[i]!;
        const t0 = process.hrtime.bigint();
        applyBare(b, p);
        ns[i] = Number(process.hrtime.bigint() - t0);
      }
    },
    depth: (b): Depth => b.depth(),
  };
}
