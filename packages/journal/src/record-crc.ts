// CRC-32 (the zlib polynomial, the same value as `zlib.crc32`) of a byte range, computed in
// JavaScript for the short ranges records are: a call into zlib costs more than the whole sum of a
// command record (a few tens of bytes), and replay checks one per record. Longer ranges go to zlib.
import { crc32 } from 'node:zlib';

/** Slicing-by-8 tables: TABLE[k * 256 + n] is the CRC of byte n followed by k zero bytes. */
const TABLE = new Int32Array(8 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c;
}
for (let k = 1; k < 8; k++) {
  for (let n = 0; n < 256; n++) {
    const prev = TABLE[(k - 1) * 256 + n]!;
    TABLE[k * 256 + n] = (prev >>> 8) ^ TABLE[prev & 0xff]!;
  }
}

/** Above this many bytes zlib's native loop wins over the call's overhead. */
const JS_MAX_BYTES = 256;

/** CRC-32 of `buf[start, end)`, equal to `zlib.crc32(buf.subarray(start, end))`. */
export function crc32Range(buf: Uint8Array, start: number, end: number): number {
  if (end - start > JS_MAX_BYTES) return crc32(buf.subarray(start, end));
  const t = TABLE;
  let c = -1;
  let i = start;
  // Eight bytes a step: eight table lookups instead of eight dependent shifts.
  for (; i + 8 <= end; i += 8) {
    const one = c ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
    const two = buf[i + 4]! | (buf[i + 5]! << 8) | (buf[i + 6]! << 16) | (buf[i + 7]! << 24);
    c =
      t[1792 + (one & 0xff)]! ^
      t[1536 + ((one >>> 8) & 0xff)]! ^
      t[1280 + ((one >>> 16) & 0xff)]! ^
      t[1024 + (one >>> 24)]! ^
      t[768 + (two & 0xff)]! ^
      t[512 + ((two >>> 8) & 0xff)]! ^
      t[256 + ((two >>> 16) & 0xff)]! ^
      t[two >>> 24]!;
  }
  for (; i < end; i++) c = t[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
