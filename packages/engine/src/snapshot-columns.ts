// The binary snapshot's per-account part (format 3): every account's identity, balances, positions
// and open lots, and every instrument's holders, as columns of numbers instead of the meta JSON's
// objects. With many accounts the JSON was most of the snapshot (about 117 bytes and one object tree
// per account, built and stringified on the engine thread); a column is one loop of stores.
// The reader gives back the same `SnapshotData` the JSON held, so restore has one path.

import type { ByteReader, ByteWriter } from './codec-bytes.ts';
import type { SnapshotData } from './snapshot.ts';
import { ACCOUNT_FIELDS, HOLDER_FIELDS, type SnapshotCapture } from './snapshot-capture.ts';
import { NIL } from './slot.ts';

/** The fields of a position, in `PositionRecord` order after the instrument id. */
const POSITION_FIELDS = 7;
/** Instrument id, buy lots, sell lots. */
const OPEN_FIELDS = 3;

/** A column's first byte: its values' width (every value an int32, or else all float64). */
const INT32 = 4;
const FLOAT64 = 8;

/**
 * Checks that `n` bytes remain before fields are read: a short snapshot is an error naming the field
 * and the byte (the codec's own checks stay behind it, for a read this check did not cover).
 */
export function need(r: ByteReader, n: number, what: string): void {
  if (r.pos + n > r.end) {
    throw new Error(`snapshot truncated: ${what} needs ${n} bytes at byte ${r.pos} of ${r.end}`);
  }
}

export function u32(r: ByteReader, what: string): number {
  need(r, 4, what);
  return r.u32le();
}

function writeColumn(w: ByteWriter, xs: Float64Array): void {
  let width = INT32;
  for (let i = 0; i < xs.length; i++) {
    if ((xs[i]! | 0) !== xs[i]) {
      width = FLOAT64;
      break;
    }
  }
  w.u32le(xs.length);
  w.u8(width);
  w.reserve(xs.length * width);
  const v = w.view();
  let p = w.pos;
  if (width === INT32) {
    for (let i = 0; i < xs.length; i++, p += 4) v.setInt32(p, xs[i]!, true);
  } else {
    for (let i = 0; i < xs.length; i++, p += 8) v.setFloat64(p, xs[i]!, true);
  }
  w.pos = p;
}

/** A column of `length` values (of any length when undefined). */
function readColumn(r: ByteReader, length: number | undefined, what: string): number[] {
  const n = u32(r, `${what} column length`);
  if (length !== undefined && n !== length)
    throw new Error(`snapshot: ${what} column has ${n} values, not ${length}`);
  need(r, 1, `${what} column width`);
  const width = r.u8();
  if (width !== INT32 && width !== FLOAT64) {
    throw new Error(`snapshot: ${what} column has width ${width}`);
  }
  need(r, n * width, `${what} column`);
  const xs: number[] = new Array(n);
  if (width === INT32) for (let i = 0; i < n; i++) xs[i] = r.i32le();
  else for (let i = 0; i < n; i++) xs[i] = r.f64le();
  return xs;
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

const columns = (count: number, n: number) =>
  Array.from({ length: count }, () => new Float64Array(n));

/**
 * The captured accounts, sorted by id (`order`: their dense indexes in that order), as columns: what
 * the JSON form's `accounts` held but the order lists. Filled into typed arrays of known lengths:
 * growing arrays of numbers cost several times more.
 */
export function writeAccountColumns(c: SnapshotCapture, w: ByteWriter, order: Int32Array): void {
  const n = order.length;
  const acc = c.accounts;
  // Where each account's balances start in the flat columns, by dense index.
  const starts = columns(2, n);
  for (let i = 0, at = 0, b = 0, r = 0; i < n; i++, at += ACCOUNT_FIELDS) {
    starts[0]![i] = b;
    starts[1]![i] = r;
    b += acc[at + 5]!;
    r += acc[at + 6]!;
  }
  // id, user, sub, frozen, balance count, reserved count
  const own = columns(6, n);
  const available = new Float64Array(c.available.length);
  const reserved = new Float64Array(c.reserved.length);
  for (let i = 0, b = 0, r = 0; i < n; i++) {
    const d = order[i]!;
    const at = d * ACCOUNT_FIELDS;
    for (let f = 0; f < 4; f++) own[f]![i] = acc[at + f]!;
    const balances = acc[at + 5]!;
    own[4]![i] = balances;
    for (let j = 0, from = starts[0]![d]!; j < balances; j++)
      available[b++] = c.available[from + j]!;
    const reservedCount = acc[at + 6]!;
    own[5]![i] = reservedCount;
    for (let j = 0, from = starts[1]![d]!; j < reservedCount; j++)
      reserved[r++] = c.reserved[from + j]!;
  }
  const rank = new Int32Array(n);
  for (let i = 0; i < n; i++) rank[order[i]!] = i;
  const [positionCount, positions] = positionColumns(c, rank);
  const [openCount, open] = openLotColumns(c, rank);
  w.u32le(n);
  for (const col of [...own.slice(0, 5), available, own[5]!, reserved, positionCount]) {
    writeColumn(w, col);
  }
  for (const col of positions) writeColumn(w, col);
  writeColumn(w, openCount);
  for (const col of open) writeColumn(w, col);
}

/**
 * Entries of `width` numbers (`values`, one row each) grouped by account, by `rank` (the account's
 * place in the snapshot), each account's in the order they came; `owner` is each entry's account's
 * dense index. Returns the count per account and the columns.
 */
function byAccount(
  rank: Int32Array,
  owner: Int32Array,
  values: Float64Array,
  width: number,
): [Float64Array, Float64Array[]] {
  const counts = new Float64Array(rank.length);
  for (let i = 0; i < owner.length; i++) counts[rank[owner[i]!]!]!++;
  const cursor = new Int32Array(rank.length);
  for (let r = 1; r < rank.length; r++) cursor[r] = cursor[r - 1]! + counts[r - 1]!;
  const out = columns(width, owner.length);
  for (let i = 0; i < owner.length; i++) {
    const p = cursor[rank[owner[i]!]!]!++;
    for (let f = 0; f < width; f++) out[f]![p] = values[i * width + f]!;
  }
  return [counts, out];
}

/**
 * The positions, per account in instrument order (as `Account.positions` holds them): the holders
 * of each instrument in turn, instruments in creation order, each account among them once.
 */
function positionColumns(c: SnapshotCapture, rank: Int32Array): [Float64Array, Float64Array[]] {
  let total = 0;
  for (const h of c.holders) total += h.length / HOLDER_FIELDS;
  const owner = new Int32Array(total);
  const values = new Float64Array(total * POSITION_FIELDS);
  let e = 0;
  c.holders.forEach((h, i) => {
    for (let at = 0; at < h.length; at += HOLDER_FIELDS, e++) {
      owner[e] = h[at]!;
      values[e * POSITION_FIELDS] = c.instrumentIds[i]!;
      for (let f = 1; f < POSITION_FIELDS; f++) values[e * POSITION_FIELDS + f] = h[at + f]!;
    }
  });
  return byAccount(rank, owner, values, POSITION_FIELDS);
}

/**
 * Every account's open lots per instrument (instruments in creation order, zeros left out), counted
 * from the books as `verifyInvariants` checks the engine keeps them: the open quantity of the
 * account's orders resting on each side (parked stops do not count).
 */
function openLotColumns(c: SnapshotCapture, rank: Int32Array): [Float64Array, Float64Array[]] {
  const { next, acct, open } = c.orders;
  const lots = columns(2, rank.length);
  const seenIn = new Int32Array(rank.length).fill(-1);
  const owners: number[] = [];
  const values: number[] = []; // instrument id, buy, sell
  const touched: number[] = [];
  c.books.forEach((book, i) => {
    touched.length = 0;
    for (let k = 0; k < 2 * book.levels; k++) {
      if (book.count[k] === 0) continue;
      const side = k < book.levels ? 0 : 1;
      for (let o = book.head[k]!; o !== NIL; o = next[o]!) {
        const d = acct[o]!;
        if (seenIn[d] !== i) {
          seenIn[d] = i;
          touched.push(d);
        }
        lots[side]![d]! += open[o]!;
      }
    }
    for (const d of touched) {
      if (lots[0]![d] !== 0 || lots[1]![d] !== 0) {
        owners.push(d);
        values.push(c.instrumentIds[i]!, lots[0]![d]!, lots[1]![d]!);
      }
      lots[0]![d] = 0;
      lots[1]![d] = 0;
    }
  });
  return byAccount(rank, Int32Array.from(owners), Float64Array.from(values), OPEN_FIELDS);
}

/** Splits `flat` into runs of `counts[i]` values each. */
function runs(counts: readonly number[], flat: readonly number[]): number[][] {
  const out: number[][] = new Array(counts.length);
  let at = 0;
  for (let i = 0; i < counts.length; i++) {
    out[i] = flat.slice(at, at + counts[i]!);
    at += counts[i]!;
  }
  return out;
}

/** The accounts written by `writeAccountColumns`, each with an empty order list. */
export function readAccountColumns(r: ByteReader): SnapshotData['accounts'] {
  const n = u32(r, 'account count');
  const id = readColumn(r, n, 'account id');
  const user = readColumn(r, n, 'user id');
  const sub = readColumn(r, n, 'subaccount');
  const frozen = readColumn(r, n, 'frozen');
  const balances = readColumn(r, n, 'balance count');
  const available = runs(balances, readColumn(r, sum(balances), 'available'));
  const reservedCount = readColumn(r, n, 'reserved count');
  const reserved = runs(reservedCount, readColumn(r, sum(reservedCount), 'reserved'));
  const positionCount = readColumn(r, n, 'position count');
  const positionTotal = sum(positionCount);
  const pf = Array.from({ length: POSITION_FIELDS }, () =>
    readColumn(r, positionTotal, 'position'),
  );
  const openCount = readColumn(r, n, 'open lots count');
  const openTotal = sum(openCount);
  const of = Array.from({ length: OPEN_FIELDS }, () => readColumn(r, openTotal, 'open lots'));
  const accounts: SnapshotData['accounts'] = new Array(n);
  let p = 0;
  let o = 0;
  for (let i = 0; i < n; i++) {
    const positions: SnapshotData['accounts'][number]['positions'] = new Array(positionCount[i]!);
    for (let j = 0; j < positions.length; j++, p++) {
      positions[j] = [
        pf[0]![p]!,
        pf[1]![p]!,
        pf[2]![p]!,
        pf[3]![p]!,
        pf[4]![p]!,
        pf[5]![p]!,
        pf[6]![p]!,
      ];
    }
    const open: [number, number, number][] = new Array(openCount[i]!);
    for (let j = 0; j < open.length; j++, o++) open[j] = [of[0]![o]!, of[1]![o]!, of[2]![o]!];
    accounts[i] = {
      id: id[i]!,
      userId: user[i]!,
      sub: sub[i]!,
      available: available[i]!,
      reserved: reserved[i]!,
      orders: [],
      positions,
      open,
      ...(frozen[i] === 1 ? { frozen: true as const } : {}),
    };
  }
  return accounts;
}

/** Every instrument's holders (account ids in the order settlement walks them). */
export function writeHolders(c: SnapshotCapture, w: ByteWriter): void {
  for (const h of c.holders) {
    const ids = new Float64Array(h.length / HOLDER_FIELDS);
    for (let i = 0; i < ids.length; i++)
      ids[i] = c.accounts[h[i * HOLDER_FIELDS]! * ACCOUNT_FIELDS]!;
    writeColumn(w, ids);
  }
}

export function readHolders(r: ByteReader, instruments: SnapshotData['instruments']): void {
  for (const inst of instruments) inst.holders = readColumn(r, undefined, 'holders');
}
