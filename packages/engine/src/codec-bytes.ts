// The primitives of the binary message codec: a growable byte writer and a bounds-checked reader.
// Integers are variable-length (7 bits a byte, least significant first) so small ids and quantities
// take one or two bytes and a millisecond timestamp six; signed values keep their sign in the first
// byte's low bit, which covers every safe integer (zigzag would overflow 2^53). Arithmetic above 2^31
// uses multiplication and division, never 32-bit bitwise operators, so no value is silently truncated.
// Fixed-width little-endian fields (`u32le`, `f64le`, …) serve layouts with a field's place known in
// advance (the binary snapshot, whose counts are written after what they count).

import { isSafeInt } from './units.ts';

/** A value the binary layout cannot hold exactly: the encoder falls back to JSON for that message. */
export class NotEncodable {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

/** Bytes that are not a valid encoding: returned to callers as a value, never thrown past the codec. */
export class CodecError {
  readonly message: string;
  readonly offset: number;
  constructor(message: string, offset: number) {
    this.message = message;
    this.offset = offset;
  }
}

const TWO_POW_7 = 128;
const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
/** Strings at most this long are read with a plain loop when they are ASCII (cheaper than TextDecoder). */
const SHORT_STRING = 64;

export class ByteWriter {
  /** Replaced only by `#grow` (which drops `#view` with it). */
  buf: Uint8Array;
  pos = 0;
  /** `buf` as a DataView for the fixed-width fields, made on their first use. */
  #view: DataView | null = null;

  constructor(initialBytes = 4096) {
    this.buf = new Uint8Array(initialBytes);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n > this.buf.length) this.#grow(this.pos + n);
  }

  #grow(need: number): void {
    const grown = new Uint8Array(Math.max(need, this.buf.length * 2));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
    this.#view = null;
  }

  #dv(): DataView {
    this.#view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return this.#view;
  }

  /**
   * `buf` as a DataView, for a run of fixed-width fields written at `pos` into room made with
   * `reserve` (one capacity check for the run, as `putInt`'s callers do); a growth replaces it.
   */
  view(): DataView {
    return this.#view ?? this.#dv();
  }

  u8(v: number): void {
    if (this.pos >= this.buf.length) this.reserve(1);
    this.buf[this.pos++] = v;
  }

  /** A non-negative safe integer. */
  uint(v: number): void {
    if (!(v >= 0 && Number.isSafeInteger(v))) throw new NotEncodable(`not a uint: ${String(v)}`);
    this.reserve(8);
    const b = this.buf;
    let p = this.pos;
    if (v < 0x80000000) {
      while (v >= 0x80) {
        b[p++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
    } else {
      while (v >= TWO_POW_7) {
        b[p++] = (v % TWO_POW_7) | 0x80;
        v = Math.floor(v / TWO_POW_7);
      }
    }
    b[p++] = v;
    this.pos = p;
  }

  /** Any safe integer: |v| shifted left one bit with the sign in bit 0 (-0 is written as 0). */
  int(v: number): void {
    if (this.pos + MAX_INT_BYTES > this.buf.length) this.reserve(MAX_INT_BYTES);
    this.pos = putInt(this.buf, this.pos, v);
  }

  bool(v: boolean): void {
    if (v !== true && v !== false) throw new NotEncodable(`not a boolean: ${String(v)}`);
    this.u8(v ? 1 : 0);
  }

  /** A string as its UTF-8 length and bytes; lone surrogates have no UTF-8 form and are refused. */
  str(v: string): void {
    if (typeof v !== 'string') throw new NotEncodable(`not a string: ${String(v)}`);
    const n = v.length;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (v.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      this.uint(n);
      this.reserve(n);
      const b = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) b[p++] = v.charCodeAt(i);
      this.pos = p;
      return;
    }
    if (!v.isWellFormed()) throw new NotEncodable('a string with a lone surrogate');
    const bytes = utf8.encode(v);
    this.uint(bytes.length);
    this.bytes(bytes);
  }

  bytes(v: Uint8Array): void {
    this.reserve(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  u16le(v: number): void {
    if ((v & 0xffff) !== v) refuse('u16', v);
    const p = this.pos;
    if (p + 2 > this.buf.length) this.#grow(p + 2);
    this.view().setUint16(p, v, true);
    this.pos = p + 2;
  }

  u32le(v: number): void {
    if (v >>> 0 !== v) refuse('u32', v);
    const p = this.pos;
    if (p + 4 > this.buf.length) this.#grow(p + 4);
    this.view().setUint32(p, v, true);
    this.pos = p + 4;
  }

  /** Any number, bit for bit. */
  f64le(v: number): void {
    const p = this.pos;
    if (p + 8 > this.buf.length) this.#grow(p + 8);
    this.view().setFloat64(p, v, true);
    this.pos = p + 8;
  }

  /** Overwrites the `u32le` written at `at` (a count known only after what it counts). */
  patchU32le(at: number, v: number): void {
    if (v >>> 0 !== v || at + 4 > this.pos) refuse('u32', v, at);
    this.view().setUint32(at, v, true);
  }

  /** A copy of everything written, in an ArrayBuffer of its own (to transfer between threads). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Out of line, so that the fixed-width writes stay small enough to inline. */
function refuse(what: string, v: number, at?: number): never {
  throw new NotEncodable(`not a ${what}${at === undefined ? '' : ` at ${at}`}: ${String(v)}`);
}

/** The most bytes `putInt` writes: 53 bits of magnitude and the sign, 7 bits a byte. */
export const MAX_INT_BYTES = 8;

// `putInt` writes into room the caller has made, at a position the caller keeps in a local: an
// acceptance's layout makes room once per run of fields and writes each of them this way, instead of checking capacity and
// reading and writing the writer's position once per field. Non-negative 32-bit values (ids, prices,
// quantities, counts) never leave it; the rest is out of line so that it stays small enough to inline.

/** Writes `v` (any safe integer, as `ByteWriter.int`) at `p` in `b`; returns the position after it. */
export function putInt(b: Uint8Array, p: number, v: number): number {
  if ((v | 0) === v && v >= 0) {
    let u = v >>> 6;
    if (u === 0) {
      b[p] = v << 1;
      return p + 1;
    }
    b[p++] = ((v & 0x3f) << 1) | 0x80;
    while (u >= 0x80) {
      b[p++] = (u & 0x7f) | 0x80;
      u >>>= 7;
    }
    b[p] = u;
    return p + 1;
  }
  return putIntLong(b, p, v);
}

/** `putInt` for negative values and values beyond 32 bits; NotEncodable thrown for anything not a safe integer. */
function putIntLong(b: Uint8Array, p: number, v: number): number {
  const neg = v < 0;
  if ((v | 0) === v) {
    // 32-bit values with bit operations only (|-2^31| still fits an unsigned shift).
    let abs = neg ? -v >>> 0 : v;
    const first = ((abs & 0x3f) << 1) | (neg ? 1 : 0);
    abs >>>= 6;
    if (abs === 0) {
      b[p++] = first;
      return p;
    }
    b[p++] = first | 0x80;
    while (abs >= 0x80) {
      b[p++] = (abs & 0x7f) | 0x80;
      abs >>>= 7;
    }
    b[p++] = abs;
    return p;
  }
  if (!isSafeInt(v)) throw new NotEncodable(`not a safe integer: ${String(v)}`);
  // |v| >= 2^31 (balances in micros): split into 32-bit halves, which `>>> 0` and a division by
  // 2^32 give exactly, then 6 + 7 + 7 + 7 bits from the low half (at least 4 more bits remain, so
  // all four bytes continue) and the rest — the high half over the low half's top 5 bits, under
  // 2^26 — with bit operations.
  const abs = neg ? -v : v;
  const lo = abs >>> 0;
  const hi = (abs - lo) * 2.3283064365386963e-10; // × 2^-32: exact, without a division's latency
  b[p] = 0x80 | ((lo & 0x3f) << 1) | (neg ? 1 : 0);
  b[p + 1] = 0x80 | ((lo >>> 6) & 0x7f);
  b[p + 2] = 0x80 | ((lo >>> 13) & 0x7f);
  b[p + 3] = 0x80 | ((lo >>> 20) & 0x7f);
  p += 4;
  let rest = hi * 32 + (lo >>> 27);
  while (rest >= 0x80) {
    b[p++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  b[p++] = rest;
  return p;
}

/** Reads what ByteWriter wrote; any read past the end or of a malformed value throws a CodecError. */
export class ByteReader {
  readonly buf: Uint8Array;
  pos: number;
  end: number;
  /** `buf` as a DataView for the fixed-width fields, made on their first use. */
  #view: DataView | null = null;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  fail(message: string): never {
    throw new CodecError(message, this.pos);
  }

  u8(): number {
    if (this.pos >= this.end) this.fail('unexpected end of message');
    return this.buf[this.pos++]!;
  }

  uint(): number {
    const b = this.buf;
    const end = this.end;
    let p = this.pos;
    let result = 0;
    // Up to 4 bytes (28 bits) in int32 arithmetic; longer integers (timestamps, amounts in micros)
    // go on in `uintTail`, so this loop's value never leaves int32: one loop for both deoptimised
    // ("not int32") at the first long integer and ran in doubles from then on.
    for (let shift = 0; shift < 28; shift += 7) {
      if (p >= end) this.fail('unexpected end of message in an integer');
      const byte = b[p++]!;
      result |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = p;
        return result;
      }
    }
    return this.uintTail(result, p);
  }

  /** A `uint`'s bytes after its first four (values of 2^28 and more), by multiplication up to 2^53. */
  private uintTail(low: number, at: number): number {
    const b = this.buf;
    const end = this.end;
    let p = at;
    let result = low;
    for (let shift = 28; ; shift += 7) {
      if (p >= end) this.fail('unexpected end of message in an integer');
      const byte = b[p++]!;
      result += (byte & 0x7f) * 2 ** shift;
      if (shift >= 49 && !Number.isSafeInteger(result)) {
        this.fail('integer out of the safe range');
      }
      if (byte < 0x80) break;
      if (shift >= 56) this.fail('integer too long');
    }
    this.pos = p;
    return result;
  }

  int(): number {
    const b = this.buf;
    const end = this.end;
    let p = this.pos;
    if (p >= end) this.fail('unexpected end of message in an integer');
    let byte = b[p++]!;
    const neg = (byte & 1) === 1;
    let abs = (byte >> 1) & 0x3f;
    if (byte >= 0x80) {
      // Later groups of 7 bits scale by 64, 64·128, …: multiplication keeps every safe integer exact.
      let scale = 64;
      for (;;) {
        if (p >= end) this.fail('unexpected end of message in an integer');
        byte = b[p++]!;
        abs += (byte & 0x7f) * scale;
        if (byte < 0x80) break;
        scale *= 128;
        if (scale > 2 ** 53) this.fail('integer too long');
      }
      if (!Number.isSafeInteger(abs)) this.fail('integer out of the safe range');
    }
    this.pos = p;
    return neg ? -abs : abs;
  }

  bool(): boolean {
    const v = this.u8();
    if (v > 1) this.fail(`not a boolean byte: ${v}`);
    return v === 1;
  }

  str(): string {
    const n = this.uint();
    const start = this.pos;
    const stop = start + n;
    if (stop > this.end) this.fail('string runs past the end of the message');
    const b = this.buf;
    if (n <= SHORT_STRING) {
      let s = '';
      let i = start;
      for (; i < stop; i++) {
        const c = b[i]!;
        if (c >= 0x80) break;
        s += String.fromCharCode(c);
      }
      if (i === stop) {
        this.pos = stop;
        return s;
      }
    }
    let text: string;
    try {
      text = utf8Strict.decode(b.subarray(start, stop));
    } catch {
      this.fail('a string that is not valid UTF-8');
    }
    this.pos = stop;
    return text;
  }

  /** Bytes viewed in place (not copied). */
  bytes(n: number): Uint8Array {
    const stop = this.pos + n;
    if (stop > this.end) this.fail('bytes run past the end of the message');
    const view = this.buf.subarray(this.pos, stop);
    this.pos = stop;
    return view;
  }

  /** The position of a fixed-width field of `n` bytes, moved past it. */
  #fixed(n: number): number {
    const p = this.pos;
    if (p + n > this.end) this.fail('unexpected end of message in a fixed-width field');
    this.pos = p + n;
    return p;
  }

  #dv(): DataView {
    if (this.#view === null) {
      this.#view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    }
    return this.#view;
  }

  u16le(): number {
    const p = this.#fixed(2);
    return this.#dv().getUint16(p, true);
  }

  u32le(): number {
    const p = this.#fixed(4);
    return this.#dv().getUint32(p, true);
  }

  i32le(): number {
    const p = this.#fixed(4);
    return this.#dv().getInt32(p, true);
  }

  f64le(): number {
    const p = this.#fixed(8);
    return this.#dv().getFloat64(p, true);
  }

  /** One of `values`, by its index. */
  oneOf<T>(values: readonly T[], what: string): T {
    const i = this.u8();
    if (i >= values.length) this.fail(`unknown ${what} ${i}`);
    return values[i]!;
  }
}

/** The index of `v` in `values` (a closed list of strings), or NotEncodable thrown. */
export function indexIn<T>(values: readonly T[], v: T, what: string): number {
  const i = values.indexOf(v);
  if (i < 0) throw new NotEncodable(`unknown ${what}: ${String(v)}`);
  return i;
}
