// The binary snapshot's per-account part (format 3): every account's identity, balances, positions
// and open lots, and every instrument's holders, as columns of numbers instead of the meta JSON's
// objects. With many accounts the JSON was most of the snapshot (about 117 bytes and one object tree
// per account, built and stringified on the engine thread); a column is one loop of stores.
// The reader gives back the same `SnapshotData` the JSON held, so restore has one path.

import { BUY, SELL } from './book.ts';
import type { ByteReader, ByteWriter } from './codec-bytes.ts';
import type { EngineState } from './engine-state.ts';
import { openLotsOf } from './order-lifecycle.ts';
import type { SnapshotData } from './snapshot.ts';
import type { Account } from './state.ts';

/** A column's first byte: its values' width (every value an int32, or else all float64). */
const INT32 = 4;
const FLOAT64 = 8;
/** The fields of a position, in `PositionRecord` order after the instrument id. */
const POSITION_FIELDS = 7;
/** Instrument id, buy lots, sell lots. */
const OPEN_FIELDS = 3;

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

/** How many values each flattened column holds: balances, reserved, positions, open lots. */
function columnLengths(accounts: readonly Account[]): [number, number, number, number] {
  let available = 0;
  let reserved = 0;
  let positions = 0;
  let open = 0;
  for (const a of accounts) {
    available += a.available.length;
    reserved += a.reserved.length;
    for (const p of a.positions) if (p !== undefined) positions++;
    for (let k = 0; k < a.openLots.length; k += 2) {
      if (openLotsOf(a, k >> 1, BUY) !== 0 || openLotsOf(a, k >> 1, SELL) !== 0) open++;
    }
  }
  return [available, reserved, positions, open];
}

/**
 * The accounts (sorted by id) as columns: what the JSON form's `accounts` held but the order lists.
 * Two passes (lengths, then values into typed arrays): growing arrays of numbers cost several
 * times more.
 */
export function writeAccountColumns(e: EngineState, w: ByteWriter, accounts: Account[]): void {
  const n = accounts.length;
  const [availableLength, reservedLength, positionLength, openLength] = columnLengths(accounts);
  // id, user, sub, frozen, balance count, reserved count, position count, open lots count
  const own = columns(8, n);
  const available = new Float64Array(availableLength);
  const reserved = new Float64Array(reservedLength);
  const positions = columns(POSITION_FIELDS, positionLength);
  const open = columns(OPEN_FIELDS, openLength);
  let [b, r, p, o] = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    const a = accounts[i]!;
    own[0]![i] = a.accountId;
    own[1]![i] = a.userId;
    own[2]![i] = a.subaccount;
    own[3]![i] = a.frozen ? 1 : 0;
    own[4]![i] = a.available.length;
    for (const x of a.available) available[b++] = x;
    own[5]![i] = a.reserved.length;
    for (const x of a.reserved) reserved[r++] = x;
    const p0 = p;
    for (const x of a.positions) {
      if (x === undefined) continue;
      positions[0]![p] = e.instList[x.instIndex]!.spec.instrumentId;
      positions[1]![p] = x.lots;
      positions[2]![p] = x.costBasis;
      positions[3]![p] = x.realisedPnl;
      positions[4]![p] = x.feesPaid;
      positions[5]![p] = x.reservedYes;
      positions[6]![p++] = x.reservedNo;
    }
    own[6]![i] = p - p0;
    // As in the JSON form: instruments in creation order, zeros left out.
    const o0 = o;
    for (let k = 0; k < a.openLots.length; k += 2) {
      const buy = openLotsOf(a, k >> 1, BUY);
      const sell = openLotsOf(a, k >> 1, SELL);
      if (buy === 0 && sell === 0) continue;
      open[0]![o] = e.instList[k >> 1]!.spec.instrumentId;
      open[1]![o] = buy;
      open[2]![o++] = sell;
    }
    own[7]![i] = o - o0;
  }
  w.u32le(n);
  for (const c of [...own.slice(0, 5), available, own[5]!, reserved, own[6]!]) writeColumn(w, c);
  for (const c of positions) writeColumn(w, c);
  writeColumn(w, own[7]!);
  for (const c of open) writeColumn(w, c);
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
export function writeHolders(e: EngineState, w: ByteWriter): void {
  for (const inst of e.instList) {
    const ids = new Float64Array(inst.holders.length);
    for (let i = 0; i < ids.length; i++) ids[i] = inst.holders[i]!.account.accountId;
    writeColumn(w, ids);
  }
}

export function readHolders(r: ByteReader, instruments: SnapshotData['instruments']): void {
  for (const inst of instruments) inst.holders = readColumn(r, undefined, 'holders');
}
