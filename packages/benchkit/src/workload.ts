// The reference order-book workload: a seeded stream of limit/market/cancel/amend commands for one book,
// generated exactly as the published spec (`shared/bench/workload.mjs`) does, draw for draw, so a
// stream and its expected final depth hash are the same whichever generator wrote them. The generator
// runs the reference matcher as it goes: cancels and amends always name a live order, amends never cross.

import { depthHash } from './depth-hash.ts';
import { makeRng } from './rng.ts';
import { BUY, RefBook, type SideCode } from './reference-book.ts';

export interface Profile {
  readonly id: number;
  readonly lo: number;
  readonly hi: number;
  readonly anchor: number;
  /** Mean distance (ticks) of a passive order behind the touch (exponential). */
  readonly passiveMean: number;
  /** Largest number of ticks an aggressive limit goes through the opposite best. */
  readonly aggrMax: number;
  /** Largest price move of an amend, in ticks. */
  readonly moveMax: number;
}

export const PROFILES = {
  /** Kalshi-style binary event contract: prices in cents, 1..99. */
  cents: { id: 0, lo: 1, hi: 99, anchor: 50, passiveMean: 3, aggrMax: 2, moveMax: 3 },
  /** Stock-like: a wide tick range, 10,000 ± 500. */
  wide: { id: 1, lo: 9500, hi: 10500, anchor: 10000, passiveMean: 25, aggrMax: 10, moveMax: 30 },
} as const satisfies Record<string, Profile>;
export type ProfileName = keyof typeof PROFILES;

export interface Mix {
  readonly id: number;
  readonly passive: number;
  readonly aggr: number;
  readonly market: number;
  readonly cancel: number;
  readonly amend: number;
  /** Share of amends that only reduce the quantity (the rest move the price). */
  readonly reduceShare: number;
}

/** Nominal shares; the book-size feedback moves a few percent between new orders and cancels. */
export const MIXES = {
  brief: {
    id: 0,
    passive: 0.5,
    aggr: 0.1,
    market: 0.05,
    cancel: 0.3,
    amend: 0.05,
    reduceShare: 0.5,
  },
  /** exchange-core's published mix: 9% GTC, 3% IOC, 6% cancel, 82% move; ~1k live orders. */
  excore: {
    id: 1,
    passive: 0.06,
    aggr: 0.03,
    market: 0.03,
    cancel: 0.06,
    amend: 0.82,
    reduceShare: 0,
  },
} as const satisfies Record<string, Mix>;
export type MixName = keyof typeof MIXES;

export const T_LIMIT = 0;
export const T_MARKET = 1;
export const T_CANCEL = 2;
export const T_AMEND = 3;
export const TYPE_NAMES = ['limit', 'market', 'cancel', 'amend'] as const;
export type CommandKind = (typeof TYPE_NAMES)[number];

/** The stream as typed-array columns: record i is (type[i], side[i], id[i], price[i], qty[i]). */
export interface WorkloadColumns {
  readonly n: number;
  readonly type: Uint8Array;
  readonly side: Uint8Array;
  readonly id: Uint32Array;
  readonly price: Uint32Array;
  readonly qty: Uint32Array;
}

export interface WorkloadMeta {
  readonly format: 'OBWL v1';
  readonly profile: ProfileName;
  readonly mixName: MixName;
  readonly n: number;
  readonly seed: number;
  readonly target: number;
  readonly lo: number;
  readonly hi: number;
  /** Realised share of each command kind, 4 decimals. */
  readonly mix: Record<CommandKind, number>;
  readonly crossingLimitShare: number;
  readonly trades: number;
  readonly tradedQty: number;
  readonly maxLive: number;
  readonly final: {
    readonly liveOrders: number;
    readonly bidLevels: number;
    readonly askLevels: number;
    readonly bestBid: number | null;
    readonly bestAsk: number | null;
    readonly bidQty: number;
    readonly askQty: number;
    readonly depthHash: string;
  };
}

export interface Workload {
  readonly cols: WorkloadColumns;
  readonly meta: WorkloadMeta;
}

export interface GenerateOptions {
  readonly profile?: ProfileName;
  readonly n?: number;
  readonly seed?: number;
  /** Live orders the book-size feedback aims at. */
  readonly target?: number;
  readonly mix?: MixName;
}

type Kind = 'passive' | 'aggr' | 'market' | 'cancel' | 'amend';

export function emptyColumns(n: number): WorkloadColumns {
  return {
    n,
    type: new Uint8Array(n),
    side: new Uint8Array(n),
    id: new Uint32Array(n),
    price: new Uint32Array(n),
    qty: new Uint32Array(n),
  };
}

/** Generates the stream and its sidecar; the draw order below IS the spec: do not reorder. */
export function generate(options: GenerateOptions = {}): Workload {
  const { profile = 'cents', n = 1_000_000, seed = 42, target = 1000, mix = 'brief' } = options;
  const P: Profile = PROFILES[profile];
  const M: Mix = MIXES[mix];
  if (!P) throw new Error(`unknown profile ${profile}`);
  if (!M) throw new Error(`unknown mix ${mix}`);
  const rng = makeRng(seed);
  const book = new RefBook(P.lo, P.hi);
  const cols = emptyColumns(n);
  const clamp = (p: number): number => Math.max(P.lo, Math.min(p, P.hi));
  const expo = (mean: number): number => Math.floor(-Math.log(1 - rng.float()) * mean);
  const put = (i: number, t: number, s: number, id: number, p: number, q: number): void => {
    cols.type[i] = t;
    cols.side[i] = s;
    cols.id[i] = id;
    cols.price[i] = p;
    cols.qty[i] = q;
  };
  // Reference price of a new passive order: one tick behind the opposite touch, else just inside
  // its own side, else the profile's anchor.
  const ref = (side: SideCode): number => {
    const bo = book.best((side ^ 1) as SideCode);
    const bs = book.best(side);
    if (bo >= 0) return side === BUY ? bo - 1 : bo + 1;
    if (bs >= 0) return side === BUY ? bs + 1 : bs - 1;
    return P.anchor;
  };
  let nextId = 1;
  const counts = [0, 0, 0, 0];
  let crossingLimits = 0;
  let maxLive = 0;
  for (let i = 0; i < n; i++) {
    const live = book.live.length;
    if (live > maxLive) maxLive = live;
    const kind = pickKind(rng.float(), M, live, target, rng.float);
    const side = (rng.u32() & 1) as SideCode;
    if (kind === 'passive' || kind === 'aggr') {
      const bo = book.best((side ^ 1) as SideCode);
      let price: number;
      if (kind === 'passive') {
        const base = ref(side);
        const off = expo(P.passiveMean);
        price = clamp(side === BUY ? base - off : base + off);
      } else {
        const k = rng.int(0, P.aggrMax);
        price = bo >= 0 ? clamp(side === BUY ? bo + k : bo - k) : clamp(ref(side));
      }
      const qty = rng.int(1, 100);
      const id = nextId++;
      if (kind === 'passive') {
        if (bo >= 0 && (side === BUY ? price >= bo : price <= bo)) crossingLimits++;
      } else if (bo >= 0) crossingLimits++;
      book.limit(id, side, price, qty);
      put(i, T_LIMIT, side, id, price, qty);
      counts[T_LIMIT]!++;
    } else if (kind === 'market') {
      const qty = rng.int(1, 100);
      const id = nextId++;
      book.market(side, qty);
      put(i, T_MARKET, side, id, 0, qty);
      counts[T_MARKET]!++;
    } else if (kind === 'cancel') {
      const o = book.orders.get(book.live[rng.int(0, live - 1)]!)!;
      put(i, T_CANCEL, o.side, o.id, o.price, o.qty);
      counts[T_CANCEL]!++;
      book.cancel(o.id);
    } else {
      // Reduce the size, or move the price away from the spread; never crosses.
      const o = book.orders.get(book.live[rng.int(0, live - 1)]!)!;
      let price = o.price;
      let qty = o.qty;
      // The coin is drawn only when a reduction is possible (qty > 1): part of the spec's draw order.
      const reduce = (): boolean =>
        M.reduceShare === 0.5 ? (rng.u32() & 1) === 1 : rng.float() < M.reduceShare;
      if (qty > 1 && reduce()) qty = rng.int(1, qty - 1);
      else {
        const d = rng.int(-P.moveMax, P.moveMax) || 1;
        price = clamp(o.price + d);
        const bo = book.best((o.side ^ 1) as SideCode);
        if (bo >= 0 && (o.side === BUY ? price >= bo : price <= bo)) price = o.price;
      }
      put(i, T_AMEND, o.side, o.id, price, qty);
      counts[T_AMEND]!++;
      book.amend(o.id, price, qty);
    }
  }
  return {
    cols,
    meta: buildMeta({ profile, mix, n, seed, target }, P, book, counts, crossingLimits, maxLive),
  };
}

/** The nominal mix, then the soft feedback that keeps the resting book near `target` orders. */
function pickKind(r: number, M: Mix, live: number, target: number, float: () => number): Kind {
  const c1 = M.passive;
  const c2 = c1 + M.aggr;
  const c3 = c2 + M.market;
  const c4 = c3 + M.cancel;
  let kind: Kind =
    r < c1 ? 'passive' : r < c2 ? 'aggr' : r < c3 ? 'market' : r < c4 ? 'cancel' : 'amend';
  if (kind === 'passive' && live > target && float() < Math.min(1, (live - target) / target)) {
    kind = 'cancel';
  }
  if (
    (kind === 'cancel' || kind === 'amend') &&
    (live === 0 || (live < target && float() < (target - live) / target))
  ) {
    kind = 'passive';
  }
  return kind;
}

function buildMeta(
  o: Required<GenerateOptions>,
  P: Profile,
  book: RefBook,
  counts: number[],
  crossingLimits: number,
  maxLive: number,
): WorkloadMeta {
  const depth = book.depth();
  const share = (k: number): number => +(counts[k]! / o.n).toFixed(4);
  return {
    format: 'OBWL v1',
    profile: o.profile,
    mixName: o.mix,
    n: o.n,
    seed: o.seed,
    target: o.target,
    lo: P.lo,
    hi: P.hi,
    mix: { limit: share(0), market: share(1), cancel: share(2), amend: share(3) },
    crossingLimitShare: +(crossingLimits / o.n).toFixed(4),
    trades: book.trades,
    tradedQty: book.tradedQty,
    maxLive,
    final: {
      liveOrders: book.live.length,
      bidLevels: depth.bids.length,
      askLevels: depth.asks.length,
      bestBid: depth.bids[0]?.[0] ?? null,
      bestAsk: depth.asks[0]?.[0] ?? null,
      bidQty: depth.bids.reduce((a, x) => a + x[1], 0),
      askQty: depth.asks.reduce((a, x) => a + x[1], 0),
      depthHash: depthHash(depth),
    },
  };
}
