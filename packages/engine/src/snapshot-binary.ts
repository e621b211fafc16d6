// The binary snapshot (format 2): the small parts of the state as the JSON of `snapshotState` without
// orders, then every resting and parked order, every account's order list and the live expiries in a
// fixed little-endian layout read straight from the order store's columns. Writing it costs a walk of
// the queues and a few stores per order, with no object or string per order (the JSON form built both).

import type { EngineState } from './engine-state.ts';
import { liveExpiries } from './gtd-expiry.ts';
import type { Instrument } from './state.ts';
import { NIL } from './slot.ts';
import { type OrderRecord, type SnapshotData, snapshotState } from './snapshot.ts';

/** `\x89BRSENG\n`: no JSON snapshot starts with 0x89, so the two forms never share a first byte. */
const MAGIC = [0x89, 0x42, 0x52, 0x53, 0x45, 0x4e, 0x47, 0x0a];
export const BINARY_SNAPSHOT_VERSION = 2;
const TRAILER = 0x444e4523; // '#END' little-endian: a cut-short snapshot fails here at the latest.
/**
 * Most bytes one order takes besides its client id's code units: a u16 mask, side/type/tif/flags,
 * 10 numbers (each an int32, or a float64 when its mask bit says it does not fit), the id's length.
 */
const ORDER_MAX = 2 + 4 + 10 * 8 + 4;
/** Mask bit: the order has a client id (its length and UTF-16 code units follow the numbers). */
const HAS_CLIENT_ID = 1 << 10;

/** A growable little-endian byte buffer. */
class Writer {
  bytes: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.pos + n));
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(x: number): void {
    this.view.setUint8(this.pos, x);
    this.pos += 1;
  }

  u32(x: number): void {
    this.view.setUint32(this.pos, x, true);
    this.pos += 4;
  }

  f64(x: number): void {
    this.view.setFloat64(this.pos, x, true);
    this.pos += 8;
  }

  /** `x` as an int32 when it is one (returns 0), else as a float64 (returns mask bit `bit`). */
  num(x: number, bit: number): number {
    if ((x | 0) === x) {
      this.view.setInt32(this.pos, x, true);
      this.pos += 4;
      return 0;
    }
    this.f64(x);
    return 1 << bit;
  }
}

export function isBinarySnapshot(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

/** The whole state with its header (seq, ts) as canonical bytes: equal states give equal bytes. */
export function writeBinarySnapshot(e: EngineState): Uint8Array {
  const meta = new TextEncoder().encode(JSON.stringify(snapshotState(e, true, false)));
  const w = new Writer(meta.length + 64 + e.orderSlots.size * 64);
  for (const b of MAGIC) w.u8(b);
  w.u32(BINARY_SNAPSHOT_VERSION);
  w.u32(meta.length);
  w.bytes.set(meta, w.pos);
  w.pos += meta.length;
  for (const inst of e.instList) writeInstrumentOrders(e, w, inst);
  const accounts = [...e.accountsById.values()].sort((a, b) => a.accountId - b.accountId);
  const s = e.store;
  for (const a of accounts) {
    w.ensure(4 + a.openOrders * 8);
    const at = w.pos;
    w.u32(0);
    let n = 0;
    for (let o = a.orderHead; o !== NIL; o = s.acctNext[o]!, n++) {
      w.ensure(8);
      w.f64(s.id[o]!);
    }
    w.view.setUint32(at, n, true);
  }
  const [ts, ids] = liveExpiries(e);
  w.ensure(8 + ts.length * 16);
  w.u32(ts.length);
  for (let i = 0; i < ts.length; i++) {
    w.f64(ts[i]!);
    w.f64(ids[i]!);
  }
  w.u32(TRAILER);
  return w.bytes.slice(0, w.pos);
}

/** Per instrument: the non-empty levels (side, level, orders in queue order), then the parked stops. */
function writeInstrumentOrders(e: EngineState, w: Writer, inst: Instrument): void {
  const s = e.store;
  const book = inst.book;
  w.ensure(4);
  const levelsAt = w.pos;
  w.u32(0);
  let levels = 0;
  for (let k = 0; k < 2 * book.levels; k++) {
    if (book.count[k] === 0) continue;
    levels++;
    w.ensure(9);
    w.u8(k < book.levels ? 0 : 1);
    w.u32(k % book.levels);
    w.u32(book.count[k]!);
    for (let o = book.head[k]!; o !== NIL; o = s.next[o]!) writeOrder(e, w, o);
  }
  w.view.setUint32(levelsAt, levels, true);
  w.ensure(4);
  w.u32(inst.stopCount);
  for (let o = inst.stopHead; o !== NIL; o = s.next[o]!) writeOrder(e, w, o);
}

function writeOrder(e: EngineState, w: Writer, slot: number): void {
  const s = e.store;
  const clientId = s.clientIdOf(slot);
  const len = clientId === undefined ? 0 : clientId.length;
  w.ensure(ORDER_MAX + 2 * len);
  const at = w.pos;
  w.pos += 2;
  w.u8(s.side[slot]!);
  w.u8(s.type[slot]!);
  w.u8(s.tif[slot]!);
  w.u8(s.flags[slot]!);
  let mask = clientId === undefined ? 0 : HAS_CLIENT_ID;
  mask |= w.num(s.id[slot]!, 0);
  mask |= w.num(s.accountOf(slot).accountId, 1);
  mask |= w.num(s.price[slot]!, 2);
  mask |= w.num(s.stopPriceOf(slot), 3);
  mask |= w.num(s.open[slot]!, 4);
  mask |= w.num(s.filled[slot]!, 5);
  mask |= w.num(s.resCash[slot]!, 6);
  mask |= w.num(s.resFee[slot]!, 7);
  mask |= w.num(s.resPos[slot]!, 8);
  mask |= w.num(s.expiresAtOf(slot), 9);
  w.view.setUint16(at, mask, true);
  if (clientId === undefined) return;
  // The id as UTF-16 code units, so any string comes back exactly.
  w.u32(len);
  for (let i = 0; i < len; i++) {
    w.view.setUint16(w.pos, clientId.charCodeAt(i), true);
    w.pos += 2;
  }
}

/** Bounds-checked little-endian reads: a short or overlong snapshot is an error naming the byte. */
class Reader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  pos: number;

  constructor(bytes: Uint8Array, pos: number) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = pos;
  }

  need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) {
      throw new Error(
        `snapshot truncated: ${what} needs ${n} bytes at byte ${this.pos} of ${this.bytes.length}`,
      );
    }
  }

  u8(): number {
    return this.view.getUint8(this.pos++);
  }

  u32(what: string): number {
    this.need(4, what);
    const x = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return x;
  }

  f64(): number {
    const x = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return x;
  }

  /** A number written by `Writer.num` (the caller checked the bytes are there). */
  num(mask: number, bit: number): number {
    if ((mask >> bit) & 1) return this.f64();
    const x = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return x;
  }
}

/** Decodes a binary snapshot into the snapshot's data (then restored like a JSON one). */
export function readBinarySnapshot(bytes: Uint8Array): SnapshotData {
  if (!isBinarySnapshot(bytes)) throw new Error('snapshot: not a binary snapshot (bad magic)');
  const r = new Reader(bytes, MAGIC.length);
  const version = r.u32('version');
  if (version !== BINARY_SNAPSHOT_VERSION) {
    throw new Error(`snapshot: unsupported binary snapshot version ${version}`);
  }
  const metaLength = r.u32('meta length');
  r.need(metaLength, 'meta JSON');
  let d: SnapshotData;
  try {
    d = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(r.bytes.subarray(r.pos, r.pos + metaLength)),
    );
  } catch (err) {
    throw new Error(`snapshot: meta JSON unreadable: ${(err as Error).message}`);
  }
  r.pos += metaLength;
  if (!Array.isArray(d?.instruments) || !Array.isArray(d.accounts)) {
    throw new Error('snapshot: meta JSON lacks instruments or accounts');
  }
  for (const inst of d.instruments) readInstrumentOrders(r, inst);
  for (const a of d.accounts) {
    const n = r.u32('account order count');
    r.need(n * 8, `account ${a.id}'s order ids`);
    const orders: number[] = new Array(n);
    for (let i = 0; i < n; i++) orders[i] = r.f64();
    a.orders = orders;
  }
  const expiries = r.u32('expiry count');
  r.need(expiries * 16, 'expiries');
  const ts: number[] = new Array(expiries);
  const ids: number[] = new Array(expiries);
  for (let i = 0; i < expiries; i++) {
    ts[i] = r.f64();
    ids[i] = r.f64();
  }
  d.gtd = [ts, ids];
  if (r.u32('trailer') !== TRAILER) throw new Error(`snapshot: bad trailer at byte ${r.pos - 4}`);
  if (r.pos !== bytes.length) {
    throw new Error(`snapshot: ${bytes.length - r.pos} unexpected bytes after the trailer`);
  }
  return d;
}

function readInstrumentOrders(r: Reader, inst: SnapshotData['instruments'][number]): void {
  const levels: SnapshotData['instruments'][number]['levels'] = [];
  const levelCount = r.u32('level count');
  for (let l = 0; l < levelCount; l++) {
    r.need(9, 'level header');
    const side = r.u8();
    const level = r.u32('level');
    const count = r.u32('level order count');
    const orders: OrderRecord[] = [];
    for (let i = 0; i < count; i++) orders.push(readOrder(r));
    levels.push([side, level, orders]);
  }
  const stops: OrderRecord[] = [];
  const stopCount = r.u32('stop count');
  for (let i = 0; i < stopCount; i++) stops.push(readOrder(r));
  inst.levels = levels;
  inst.stops = stops;
}

function readOrder(r: Reader): OrderRecord {
  r.need(6, 'order');
  const mask = r.view.getUint16(r.pos, true);
  r.pos += 2;
  const side = r.u8();
  const type = r.u8();
  const tif = r.u8();
  const flags = r.u8();
  let width = 0;
  for (let bit = 0; bit < 10; bit++) width += (mask >> bit) & 1 ? 8 : 4;
  r.need(width, 'order fields');
  const n: number[] = new Array(10);
  for (let bit = 0; bit < 10; bit++) n[bit] = r.num(mask, bit);
  let clientId: string | null = null;
  if (mask & HAS_CLIENT_ID) {
    const len = r.u32('client id length');
    r.need(2 * len, `order ${n[0]}'s client id`);
    clientId = '';
    // In chunks: a spread of a long id would exceed the engine's argument limit.
    for (let from = 0; from < len; from += 4096) {
      const codes = new Array<number>(Math.min(4096, len - from));
      for (let i = 0; i < codes.length; i++) codes[i] = r.view.getUint16(r.pos + 2 * i, true);
      r.pos += 2 * codes.length;
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
