// Grid, lot and fee rules live in the engine (`src/rules.ts`) and nowhere else: this scans the product
// source outside the engine (packages, apps, the web UI) for the shapes a second copy takes, so a
// gateway check `price % tickSize` or a hand-written fee formula fails here instead of disagreeing
// with the engine on some market's spec.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { codeOnly } from './support/source-text.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const ENGINE_SRC = join(ROOT, 'packages', 'engine', 'src');

const COPIES: readonly [RegExp, string][] = [
  [
    /%\s*[\w.!?]*\b(tickSize|lotSize)\b/,
    'a grid or lot check (use priceViolation / isLotMultiple)',
  ],
  [/\/\s*[\w.!?]*tickSize\s*\)\s*\*/, 'snapping to the grid (use snapToGrid)'],
  [/\bfunction\s+(mulDivCeil|divCeil)\b/, 'fee rounding (use feeFor)'],
  // Fee rates are `…RatePpm`, `takerBps` and `makerBps`; other basis points (an alert's price move, a
  // win rate) are not fees.
  [
    /(RatePpm|takerBps|makerBps)\b[^;]*\*|\*[^;]*\b\w*(RatePpm|takerBps|makerBps)\b/,
    'a fee formula (use feeFor)',
  ],
];

/** Product source: every `src` (and the web UI's `ui`) folder of the workspaces, engine excluded. */
function productFiles(): string[] {
  const out: string[] = [];
  for (const group of ['packages', 'apps']) {
    for (const ws of readdirSync(join(ROOT, group))) {
      for (const dir of ['src', 'ui']) {
        const base = join(ROOT, group, ws, dir);
        if (base === ENGINE_SRC) continue;
        let names: string[];
        try {
          names = readdirSync(base, { recursive: true, encoding: 'utf8' });
        } catch {
          continue;
        }
        for (const n of names) {
          if (/\.tsx?$/.test(n)) out.push(join(base, n));
        }
      }
    }
  }
  return out.sort();
}

test('the scan covers the gateway, the Kalshi adapter, the web UI and the bots', () => {
  const files = productFiles().map((f) => relative(ROOT, f));
  for (const f of [
    'packages/gateway/src/api/order-entry.ts',
    'packages/kalshi/src/price-grid.ts',
    'apps/web/ui/format/fees.ts',
    'apps/bots/src/fair-value.ts',
  ]) {
    assert.ok(files.includes(f), f);
  }
});

test('no grid, lot or fee rule is written outside the engine', () => {
  const found: string[] = [];
  for (const file of productFiles()) {
    const lines = codeOnly(readFileSync(file, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      for (const [re, what] of COPIES) {
        if (re.test(line)) found.push(`${relative(ROOT, file)}:${i + 1}: ${what}`);
      }
    });
  }
  assert.deepEqual(found, []);
});

test('the scan catches the copies it is meant to catch', () => {
  const samples = [
    'if (priceTicks % spec.tickSize !== 0) {',
    'return ticks % m.spec.tickSize === 0 ? ticks : undefined;',
    'Math.round(mid / m.spec.tickSize) * m.spec.tickSize',
    'function mulDivCeil(a: number, b: number, d: number): number {',
    'mulDivCeil(priceTicks * mptl, qtyLots * f.takerBps, 10_000)',
    'const fee = Math.ceil((notional * fees.makerBps) / 10_000);',
    'const fee = (notional * takerRatePpm) / 1e6;',
  ];
  for (const s of samples) {
    assert.ok(
      COPIES.some(([re]) => re.test(s)),
      s,
    );
  }
  // Basis points that are not fee rates are left alone.
  for (const s of ['(p - low) * 10_000 >= low * c.moveBps', 'winRateBps * 100']) {
    assert.ok(!COPIES.some(([re]) => re.test(s)), s);
  }
});
