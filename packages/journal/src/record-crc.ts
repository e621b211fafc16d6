// CRC-32 (the zlib polynomial, the same value as `zlib.crc32`) of a byte range, computed in
// JavaScript for the short ranges records are: a call into zlib costs more than the whole sum of a
// command record (a few tens of bytes), and replay checks one per record. Longer ranges go to zlib.
import { crc32 } from 'node:zlib';

const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c;
}

/** Above this many bytes zlib's native loop wins over the call's overhead. */
const JS_MAX_BYTES = 256;

/** CRC-32 of `buf[start, end)`, equal to `zlib.crc32(buf.subarray(start, end))`. */
export function crc32Range(buf: Uint8Array, start: number, end: number): number {
  if (end - start > JS_MAX_BYTES) return crc32(buf.subarray(start, end));
  let c = -1;
  for (let i = start; i < end; i++) c = TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
