// The app's icon, drawn from a few rounded rectangles (three rising candles on the UI's dark ground),
// as SVG for the tab and as PNGs for home screens, rasterised here so the build needs no image tool or
// network. The maskable variant fills the whole square and keeps the candles inside the central safe
// circle that launchers may crop to.

import { crc32, deflateSync } from 'node:zlib';

/** Colours of the UI (ui/styles.css): the page ground, bids/YES green, asks/NO red. */
export const THEME = { background: '#0b0f14', yes: '#22c55e', no: '#ef4444' } as const;

interface Shape {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  /** Corner radius, in the same units. */
  readonly r: number;
  readonly fill: string;
}

/** Three candles, falling then rising, in a 100-unit box. */
const CANDLES: readonly Shape[] = [
  { x: 20.5, y: 30, w: 3, h: 50, r: 1.5, fill: THEME.no },
  { x: 14, y: 40, w: 16, h: 30, r: 2.5, fill: THEME.no },
  { x: 48.5, y: 18, w: 3, h: 54, r: 1.5, fill: THEME.yes },
  { x: 42, y: 30, w: 16, h: 32, r: 2.5, fill: THEME.yes },
  { x: 76.5, y: 6, w: 3, h: 50, r: 1.5, fill: THEME.yes },
  { x: 70, y: 14, w: 16, h: 32, r: 2.5, fill: THEME.yes },
];

/**
 * The icon's shapes in a 100-unit square. `maskable`: a full-bleed ground and the candles within the
 * safe zone (a circle of 40% of the size around the centre); otherwise a rounded tile.
 */
export function iconShapes(maskable: boolean): Shape[] {
  const ground: Shape = maskable
    ? { x: 0, y: 0, w: 100, h: 100, r: 0, fill: THEME.background }
    : { x: 0, y: 0, w: 100, h: 100, r: 18, fill: THEME.background };
  // The candles' box: 56 units fits inside the safe circle (a square of side 40·√2 ≈ 56.6).
  const box = maskable ? 54 : 70;
  const offset = (100 - box) / 2;
  const scale = box / 100;
  return [
    ground,
    ...CANDLES.map((s) => ({
      x: offset + s.x * scale,
      y: offset + s.y * scale,
      w: s.w * scale,
      h: s.h * scale,
      r: s.r * scale,
      fill: s.fill,
    })),
  ];
}

export function iconSvg(maskable = false): string {
  const rects = iconShapes(maskable)
    .map(
      (s) =>
        `<rect x="${s.x}" y="${s.y}" width="${s.w}" height="${s.h}" rx="${s.r}" fill="${s.fill}"/>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">${rects}</svg>\n`;
}

/** Whether the pixel square [x, x+u]×[y, y+u] lies wholly inside the shape (no corner crosses it). */
function covers(s: Shape, x: number, y: number, u: number): boolean {
  const within = (a: number, lo: number, hi: number) => a >= lo && a + u <= hi;
  return (
    (within(x, s.x + s.r, s.x + s.w - s.r) && within(y, s.y, s.y + s.h)) ||
    (within(x, s.x, s.x + s.w) && within(y, s.y + s.r, s.y + s.h - s.r))
  );
}

/** Whether a sample point lies inside the rounded rectangle. */
function inside(s: Shape, x: number, y: number): boolean {
  if (x < s.x || y < s.y || x > s.x + s.w || y > s.y + s.h) return false;
  // Distance into a corner's square, measured from the corner circle's centre.
  const dx = Math.max(s.x + s.r - x, x - (s.x + s.w - s.r), 0);
  const dy = Math.max(s.y + s.r - y, y - (s.y + s.h - s.r), 0);
  return dx * dx + dy * dy <= s.r * s.r;
}

const SUPERSAMPLE = 4;

/** The share of the pixel at (px, py) the shape covers, from SUPERSAMPLE² sample points. */
function coverage(s: Shape, px: number, py: number, unit: number): number {
  let hits = 0;
  for (let sy = 0; sy < SUPERSAMPLE; sy++) {
    for (let sx = 0; sx < SUPERSAMPLE; sx++) {
      if (
        inside(s, (px + (sx + 0.5) / SUPERSAMPLE) * unit, (py + (sy + 0.5) / SUPERSAMPLE) * unit)
      ) {
        hits++;
      }
    }
  }
  return hits / (SUPERSAMPLE * SUPERSAMPLE);
}

/** RGBA pixels of the icon at `size`×`size`, edges antialiased by 4×4 supersampling. */
export function rasterise(size: number, maskable: boolean): Uint8Array {
  const px = new Float64Array(size * size * 4);
  const unit = 100 / size;
  for (const s of iconShapes(maskable)) {
    const rgb = [1, 3, 5].map((i) => Number.parseInt(s.fill.slice(i, i + 2), 16));
    const x0 = Math.max(0, Math.floor(s.x / unit));
    const x1 = Math.min(size, Math.ceil((s.x + s.w) / unit));
    const y0 = Math.max(0, Math.floor(s.y / unit));
    const y1 = Math.min(size, Math.ceil((s.y + s.h) / unit));
    for (let py = y0; py < y1; py++) {
      for (let pxX = x0; pxX < x1; pxX++) {
        const c = covers(s, pxX * unit, py * unit, unit) ? 1 : coverage(s, pxX, py, unit);
        if (c === 0) continue;
        const i = (py * size + pxX) * 4;
        // Source-over with straight (not premultiplied) alpha, as PNG stores it.
        const below = (px[i + 3] ?? 0) * (1 - c);
        const alpha = c + below;
        for (let k = 0; k < 3; k++) {
          px[i + k] = ((rgb[k] ?? 0) * c + (px[i + k] ?? 0) * below) / alpha;
        }
        px[i + 3] = alpha;
      }
    }
  }
  const out = new Uint8Array(px.length);
  for (let i = 0; i < px.length; i++) {
    out[i] = Math.round(i % 4 === 3 ? (px[i] ?? 0) * 255 : (px[i] ?? 0));
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG file (8-bit RGBA, no filtering) of `size`×`size` RGBA pixels. */
export function encodePng(size: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

export function iconPng(size: number, maskable = false): Buffer {
  return encodePng(size, rasterise(size, maskable));
}
