// The JavaScript CRC-32 records are checked with equals zlib's on every length and content, so
// journals written before it and after it check out alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import { crc32Range } from '../src/record-crc.ts';

test('crc32Range equals zlib.crc32 on random ranges of every length up to past the zlib cut-over', () => {
  let x = 0x12345678;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const buf = new Uint8Array(1024);
  for (let i = 0; i < buf.length; i++) buf[i] = next() & 0xff;
  for (let n = 0; n <= 600; n++) {
    const start = next() % (buf.length - n + 1);
    assert.equal(
      crc32Range(buf, start, start + n),
      crc32(buf.subarray(start, start + n)),
      `n=${n}`,
    );
  }
});
