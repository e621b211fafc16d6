// The app icons the build draws: valid PNGs of the sizes the manifest names (checked by decoding them
// back: signature, header, chunk checksums, pixels), a maskable icon that fills the whole square and
// keeps every candle inside the safe circle launchers may crop to, and a tile with transparent corners.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32, inflateSync } from 'node:zlib';
import { iconPng, iconSvg, THEME } from '../scripts/app-icons.ts';
import { MANIFEST } from '../scripts/installable.ts';

interface Decoded {
  readonly width: number;
  readonly height: number;
  /** RGBA of pixel (x, y). */
  readonly at: (x: number, y: number) => readonly number[];
}

/** Decodes the PNGs `encodePng` writes (8-bit RGBA, filter 0), checking every chunk's CRC. */
function decode(png: Buffer): Decoded {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  for (;;) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    assert.equal(
      png.readUInt32BE(offset + 8 + length),
      crc32(png.subarray(offset + 4, offset + 8 + length)),
      type,
    );
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.deepEqual([...data.subarray(8)], [8, 6, 0, 0, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
    if (type === 'IEND') break;
  }
  assert.equal(offset, png.length);
  const rows = inflateSync(Buffer.concat(idat));
  assert.equal(rows.length, height * (width * 4 + 1));
  const at = (x: number, y: number) => {
    const i = y * (width * 4 + 1) + 1 + x * 4;
    return [...rows.subarray(i, i + 4)];
  };
  return { width, height, at };
}

const hex = (rgb: string) => [1, 3, 5].map((i) => Number.parseInt(rgb.slice(i, i + 2), 16));

test('every PNG icon the manifest names is drawn at its size', () => {
  const drawn: Record<string, Buffer> = {
    '/icons/icon-192.png': iconPng(192),
    '/icons/icon-512.png': iconPng(512),
    '/icons/maskable-512.png': iconPng(512, true),
  };
  for (const icon of MANIFEST.icons.filter((i) => i.type === 'image/png')) {
    const png = drawn[icon.src];
    assert.ok(png !== undefined, icon.src);
    const { width, height } = decode(png);
    assert.equal(`${width}x${height}`, icon.sizes, icon.src);
  }
});

test('the maskable icon fills the square; its candles stay inside the safe circle', () => {
  const size = 512;
  const { at } = decode(iconPng(size, true));
  const ground = [...hex(THEME.background), 255];
  let candlePixels = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const px = at(x, y);
      assert.equal(px[3], 255, `opaque at ${x},${y}`);
      if (px.every((v, i) => v === ground[i])) continue;
      candlePixels++;
      // The safe zone: a circle of radius 40% of the size around the centre.
      const r = Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2);
      assert.ok(r <= size * 0.4, `candle pixel at ${x},${y} is outside the safe zone`);
    }
  }
  assert.ok(candlePixels > size * size * 0.03, 'the candles are drawn');
});

test('the tile has transparent rounded corners and the theme ground inside', () => {
  const { at } = decode(iconPng(192));
  assert.equal(at(0, 0)[3], 0);
  assert.equal(at(191, 191)[3], 0);
  assert.deepEqual(at(96, 4), [...hex(THEME.background), 255]);
  assert.match(iconSvg(), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 100 100">/);
});
