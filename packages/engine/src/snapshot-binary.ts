// The binary snapshot: the small parts of the state as the JSON of `snapshotState` without orders or
// accounts, then the accounts and the instruments' holders as columns (snapshot-columns.ts), every
// resting and parked order, every account's order list and the live expiries in a fixed
// little-endian layout read straight from the order store's columns. Writing it costs a walk of the
// queues and a few stores per order or account, with no object or string per order or account (the
// JSON form built both). Format 2 (still read) kept the accounts and holders in the meta JSON.

import { ByteReader, ByteWriter, CodecError } from './codec-bytes.ts';
import type { EngineState } from './engine-state.ts';
import { F_SPARSE } from './order-store.ts';
import { NIL } from './slot.ts';
import type { OrderRecord, SnapshotData } from './snapshot.ts';
import {
  ACCOUNT_FIELDS,
  type CapturedBook,
  type CapturedOrders,
  captureSnapshot,
  type SnapshotCapture,
} from './snapshot-capture.ts';
import {
  need,
  readAccountColumns,
  readHolders,
  u32,
  writeAccountColumns,
  writeHolders,
} from './snapshot-columns.ts';

/** `\x89BRSENG\n`: no JSON snapshot starts with 0x89, so the two forms never share a first byte. */
const MAGIC = [0x89, 0x42, 0x52, 0x53, 0x45, 0x4e, 0x47, 0x0a];
export const BINARY_SNAPSHOT_VERSION = 3;
/** The format before accounts were columns: what data directories written until then hold. */
const ACCOUNTS_IN_META_VERSION = 2;
const TRAILER = 0x444e4523; // '#END' little-endian: a cut-short snapshot fails here at the latest.
/**
 * Most bytes one order takes besides its client id's code units: a u16 mask, side/type/tif/flags,
 * 10 numbers (each an int32, or a float64 when its mask bit says it does not fit), the id's length.
 */
const ORDER_MAX = 2 + 4 + 10 * 8 + 4;
/** Mask bit: the order has a client id (its length and UTF-16 code units follow the numbers). */
const HAS_CLIENT_ID = 1 << 10;

/**
 * `x` at `w.pos` through `v` (`w.view()`, room reserved): as an int32 when it is one (returns 0),
 * else as a float64 (returns mask bit `bit`).
 */
function putNum(w: ByteWriter, v: DataView, x: number, bit: number): number {
  if ((x | 0) === x) {
    v.setInt32(w.pos, x, true);
    w.pos += 4;
    return 0;
  }
  v.setFloat64(w.pos, x, true);
  w.pos += 8;
  return 1 << bit;
}

export function isBinarySnapshot(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

/** The whole state with its header (seq, ts) as canonical bytes: equal states give equal bytes. */
export function writeBinarySnapshot(e: EngineState): Uint8Array {
  return encodeSnapshot(captureSnapshot(e));
}

/**
 * The snapshot's bytes from a capture (snapshot-capture.ts), on any thread: the same bytes
 * `writeBinarySnapshot` gives for the state captured.
 */
export function encodeSnapshot(c: SnapshotCapture): Uint8Array {
  const meta = new TextEncoder().encode(c.meta);
  const accounts = sortedByAccountId(c.accounts);
  const w = new ByteWriter(meta.length + 64 + c.orders.live * 64 + accounts.length * 128);
  for (const b of MAGIC) w.u8(b);
  w.u32le(BINARY_SNAPSHOT_VERSION);
  w.u32le(meta.length);
  w.bytes(meta);
  writeAccountColumns(c, w, accounts);
  writeHolders(c, w);
  const orders = new OrderFields(c.orders, c.accounts);
  for (const book of c.books) writeInstrumentOrders(orders, w, book);
  const { id, acctNext } = c.orders;
  for (const d of accounts) {
    const at = w.pos;
    w.u32le(0);
    let n = 0;
    for (let o = c.accounts[d * ACCOUNT_FIELDS + 4]!; o !== NIL; o = acctNext[o]!, n++) {
      w.f64le(id[o]!);
    }
    w.patchU32le(at, n);
  }
  const [ts, ids] = liveExpiries(c);
  w.u32le(ts.length);
  for (let i = 0; i < ts.length; i++) {
    w.f64le(ts[i]!);
    w.f64le(ids[i]!);
  }
  w.u32le(TRAILER);
  return w.finish();
}

/** The accounts' dense indexes in the snapshot's order (by id). */
function sortedByAccountId(accounts: Float64Array): Int32Array {
  const order = new Int32Array(accounts.length / ACCOUNT_FIELDS);
  let sorted = true;
  for (let i = 0; i < order.length; i++) {
    order[i] = i;
    if (i > 0 && accounts[i * ACCOUNT_FIELDS]! < accounts[(i - 1) * ACCOUNT_FIELDS]!)
      sorted = false;
  }
  // Accounts are usually created in the order of their ids: then there is nothing to sort.
  if (sorted) return order;
  return order.sort((a, b) => accounts[a * ACCOUNT_FIELDS]! - accounts[b * ACCOUNT_FIELDS]!);
}

/** As `liveExpiries` (gtd-expiry.ts) on the engine: the heap's entries whose order is live, sorted. */
function liveExpiries(c: SnapshotCapture): [number[], number[]] {
  const live = new Set<number>();
  for (const id of c.orders.id) if (id > 0) live.add(id);
  const [heapTs, heapIds] = c.gtd;
  const pairs: [number, number][] = [];
  for (let i = 0; i < heapIds.length; i++) {
    if (live.has(heapIds[i]!)) pairs.push([heapTs[i]!, heapIds[i]!]);
  }
  pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
}

/** The captured orders' columns with the store's accessors for the sparse fields. */
class OrderFields {
  readonly stopPrices: Map<number, number>;
  readonly expiries: Map<number, number>;
  readonly clientIds: Map<number, string>;
  readonly o: CapturedOrders;
  readonly accounts: Float64Array;

  constructor(o: CapturedOrders, accounts: Float64Array) {
    this.o = o;
    this.accounts = accounts;
    const pairs = <T>([slots, values]: [Int32Array, ArrayLike<T>]) => {
      const m = new Map<number, T>();
      for (let i = 0; i < slots.length; i++) m.set(slots[i]!, values[i]!);
      return m;
    };
    this.stopPrices = pairs(o.sparse.stopPrices);
    this.expiries = pairs(o.sparse.expiries);
    this.clientIds = pairs(o.sparse.clientIds);
  }

  // As `OrderStore`'s accessors: the maps are read only for slots flagged F_SPARSE.
  stopPriceOf(slot: number): number {
    return (this.o.flags[slot]! & F_SPARSE) === 0 ? 0 : (this.stopPrices.get(slot) ?? 0);
  }

  expiresAtOf(slot: number): number {
    return (this.o.flags[slot]! & F_SPARSE) === 0 ? 0 : (this.expiries.get(slot) ?? 0);
  }

  clientIdOf(slot: number): string | undefined {
    return (this.o.flags[slot]! & F_SPARSE) === 0 ? undefined : this.clientIds.get(slot);
  }

  accountIdOf(slot: number): number {
    return this.accounts[this.o.acct[slot]! * ACCOUNT_FIELDS]!;
  }
}

/** Per instrument: the non-empty levels (side, level, orders in queue order), then the parked stops. */
function writeInstrumentOrders(f: OrderFields, w: ByteWriter, book: CapturedBook): void {
  const next = f.o.next;
  const levelsAt = w.pos;
  w.u32le(0);
  let levels = 0;
  for (let k = 0; k < 2 * book.levels; k++) {
    if (book.count[k] === 0) continue;
    levels++;
    w.u8(k < book.levels ? 0 : 1);
    w.u32le(k % book.levels);
    w.u32le(book.count[k]!);
    for (let o = book.head[k]!; o !== NIL; o = next[o]!) writeOrder(f, w, o);
  }
  w.patchU32le(levelsAt, levels);
  w.u32le(book.stopCount);
  for (let o = book.stopHead; o !== NIL; o = next[o]!) writeOrder(f, w, o);
}

function writeOrder(f: OrderFields, w: ByteWriter, slot: number): void {
  const s = f.o;
  const clientId = f.clientIdOf(slot);
  // Fields in one reserved run: the writer's per-field checks would cost this walk's hottest loop.
  w.reserve(ORDER_MAX);
  const v = w.view();
  const at = w.pos;
  w.pos += 2;
  v.setUint8(w.pos++, s.side[slot]!);
  v.setUint8(w.pos++, s.type[slot]!);
  v.setUint8(w.pos++, s.tif[slot]!);
  v.setUint8(w.pos++, s.flags[slot]!);
  let mask = clientId === undefined ? 0 : HAS_CLIENT_ID;
  mask |= putNum(w, v, s.id[slot]!, 0);
  mask |= putNum(w, v, f.accountIdOf(slot), 1);
  mask |= putNum(w, v, s.price[slot]!, 2);
  mask |= putNum(w, v, f.stopPriceOf(slot), 3);
  mask |= putNum(w, v, s.open[slot]!, 4);
  mask |= putNum(w, v, s.filled[slot]!, 5);
  mask |= putNum(w, v, s.resCash[slot]!, 6);
  mask |= putNum(w, v, s.resFee[slot]!, 7);
  mask |= putNum(w, v, s.resPos[slot]!, 8);
  mask |= putNum(w, v, f.expiresAtOf(slot), 9);
  v.setUint16(at, mask, true);
  if (clientId === undefined) return;
  // The id as UTF-16 code units, so any string comes back exactly.
  const len = clientId.length;
  w.u32le(len);
  for (let i = 0; i < len; i++) w.u16le(clientId.charCodeAt(i));
}

/** A number written by `putNum` (the caller checked the bytes are there). */
function getNum(r: ByteReader, mask: number, bit: number): number {
  return (mask >> bit) & 1 ? r.f64le() : r.i32le();
}

/** Decodes a binary snapshot into the snapshot's data (then restored like a JSON one). */
export function readBinarySnapshot(bytes: Uint8Array): SnapshotData {
  if (!isBinarySnapshot(bytes)) throw new Error('snapshot: not a binary snapshot (bad magic)');
  try {
    return readSnapshotData(new ByteReader(bytes, MAGIC.length));
  } catch (err) {
    if (err instanceof CodecError) {
      throw new Error(`snapshot damaged: ${err.message} at byte ${err.offset}`);
    }
    throw err;
  }
}

function readSnapshotData(r: ByteReader): SnapshotData {
  const version = u32(r, 'version');
  if (version !== BINARY_SNAPSHOT_VERSION && version !== ACCOUNTS_IN_META_VERSION) {
    throw new Error(`snapshot: unsupported binary snapshot version ${version}`);
  }
  const metaLength = u32(r, 'meta length');
  need(r, metaLength, 'meta JSON');
  let d: SnapshotData;
  try {
    d = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(r.bytes(metaLength)));
  } catch (err) {
    throw new Error(`snapshot: meta JSON unreadable: ${(err as Error).message}`);
  }
  if (!Array.isArray(d?.instruments) || !Array.isArray(d.accounts)) {
    throw new Error('snapshot: meta JSON lacks instruments or accounts');
  }
  if (version === BINARY_SNAPSHOT_VERSION) {
    d.accounts = readAccountColumns(r);
    readHolders(r, d.instruments);
  }
  for (const inst of d.instruments) readInstrumentOrders(r, inst);
  for (const a of d.accounts) {
    const n = u32(r, 'account order count');
    need(r, n * 8, `account ${a.id}'s order ids`);
    const orders: number[] = new Array(n);
    for (let i = 0; i < n; i++) orders[i] = r.f64le();
    a.orders = orders;
  }
  const expiries = u32(r, 'expiry count');
  need(r, expiries * 16, 'expiries');
  const ts: number[] = new Array(expiries);
  const ids: number[] = new Array(expiries);
  for (let i = 0; i < expiries; i++) {
    ts[i] = r.f64le();
    ids[i] = r.f64le();
  }
  d.gtd = [ts, ids];
  if (u32(r, 'trailer') !== TRAILER) throw new Error(`snapshot: bad trailer at byte ${r.pos - 4}`);
  if (r.pos !== r.end) {
    throw new Error(`snapshot: ${r.end - r.pos} unexpected bytes after the trailer`);
  }
  return d;
}

function readInstrumentOrders(r: ByteReader, inst: SnapshotData['instruments'][number]): void {
  const levels: SnapshotData['instruments'][number]['levels'] = [];
  const levelCount = u32(r, 'level count');
  for (let l = 0; l < levelCount; l++) {
    need(r, 9, 'level header');
    const side = r.u8();
    const level = r.u32le();
    const count = r.u32le();
    const orders: OrderRecord[] = [];
    for (let i = 0; i < count; i++) orders.push(readOrder(r));
    levels.push([side, level, orders]);
  }
  const stops: OrderRecord[] = [];
  const stopCount = u32(r, 'stop count');
  for (let i = 0; i < stopCount; i++) stops.push(readOrder(r));
  inst.levels = levels;
  inst.stops = stops;
}

function readOrder(r: ByteReader): OrderRecord {
  need(r, 6, 'order');
  const mask = r.u16le();
  const side = r.u8();
  const type = r.u8();
  const tif = r.u8();
  const flags = r.u8();
  let width = 0;
  for (let bit = 0; bit < 10; bit++) width += (mask >> bit) & 1 ? 8 : 4;
  need(r, width, 'order fields');
  const n: number[] = new Array(10);
  for (let bit = 0; bit < 10; bit++) n[bit] = getNum(r, mask, bit);
  let clientId: string | null = null;
  if (mask & HAS_CLIENT_ID) {
    const len = u32(r, 'client id length');
    need(r, 2 * len, `order ${n[0]}'s client id`);
    clientId = '';
    // In chunks: a spread of a long id would exceed the engine's argument limit.
    for (let from = 0; from < len; from += 4096) {
      const codes = new Array<number>(Math.min(4096, len - from));
      for (let i = 0; i < codes.length; i++) codes[i] = r.u16le();
      clientId += String.fromCharCode(...codes);
    }
  }
  return [
    n[0]!,
    n[1]!,
    side,
    type,
    tif,
    flags,
    n[2]!,
    n[3]!,
    n[4]!,
    n[5]!,
    n[6]!,
    n[7]!,
    n[8]!,
    n[9]!,
    clientId,
  ];
}
