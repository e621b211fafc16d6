// The generator against the published spec. When the reference tools sit beside the checkout
// (`<repo>/../shared/bench/workload.mjs`, as in CI) the streams must be byte-identical and the sidecars
// equal; without them, pinned hashes and structural properties still hold the generator in place.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { depthHash } from '../src/depth-hash.ts';
import { BUY, RefBook, type SideCode } from '../src/reference-book.ts';
import {
  generate,
  type MixName,
  type ProfileName,
  T_AMEND,
  T_CANCEL,
  T_LIMIT,
  T_MARKET,
} from '../src/workload.ts';
import { decodeColumns, encodeWorkload, workloadFileName } from '../src/workload-file.ts';

const SHARED = resolve(import.meta.dirname, '../../../../shared/bench/workload.mjs');
const CASES: [ProfileName, MixName, number, number][] = [
  ['cents', 'brief', 60_000, 42],
  ['wide', 'brief', 60_000, 7],
  ['cents', 'excore', 40_000, 1],
  ['wide', 'excore', 40_000, 2_654_435_761],
];

test('streams and sidecars are identical to the published reference generator', {
  skip: existsSync(SHARED) ? false : `reference generator not found at ${SHARED}`,
}, async () => {
  const ref = await import(pathToFileURL(SHARED).href);
  const dir = mkdtempSync(join(tmpdir(), 'obwl-'));
  try {
    for (const [profile, mix, n, seed] of CASES) {
      const mine = generate({ profile, mix, n, seed });
      const file = join(dir, workloadFileName(mine.meta));
      ref.writeWorkload(file, ref.generate({ profile, mix, n, seed }));
      assert.deepEqual(
        encodeWorkload(mine),
        new Uint8Array(readFileSync(file)),
        `${profile}/${mix}`,
      );
      const sidecar = JSON.parse(readFileSync(file.replace(/\.bin$/, '.json'), 'utf8'));
      assert.deepEqual(mine.meta, sidecar, `${profile}/${mix} sidecar`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pinned final depth hashes (hold the generator when the reference is absent)', () => {
  assert.equal(
    generate({ profile: 'cents', n: 200_000, seed: 42 }).meta.final.depthHash,
    '9af13641',
  );
  assert.equal(generate({ profile: 'wide', n: 200_000, seed: 7 }).meta.final.depthHash, '6a30871b');
  const ex = generate({ profile: 'cents', mix: 'excore', n: 200_000, seed: 1 });
  assert.equal(ex.meta.final.depthHash, 'c6dd418e');
});

test('the binary format round-trips and rejects a damaged file', () => {
  const w = generate({ profile: 'wide', n: 5_000, seed: 3 });
  const bytes = encodeWorkload(w);
  assert.equal(bytes.length, 32 + 16 * 5_000);
  assert.deepEqual(decodeColumns(bytes), w.cols);
  assert.throws(() => decodeColumns(bytes.subarray(0, bytes.length - 1)), /length/);
  const bad = bytes.slice();
  bad[0] = 0;
  assert.throws(() => decodeColumns(bad), /magic/);
});

test('every cancel and amend names a live order, amends never cross, and replay reaches the hash', () => {
  for (const [profile, mix, n, seed] of CASES) {
    const { cols, meta } = generate({ profile, mix, n, seed });
    const book = new RefBook(meta.lo, meta.hi);
    const kinds = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const t = cols.type[i]!;
      const side = cols.side[i]! as SideCode;
      const id = cols.id[i]!;
      const price = cols.price[i]!;
      const qty = cols.qty[i]!;
      kinds[t]!++;
      assert.ok(qty >= 1 && qty <= 100);
      if (t === T_LIMIT) book.limit(id, side, price, qty);
      else if (t === T_MARKET) book.market(side, qty);
      else {
        const o = book.orders.get(id);
        assert.ok(o, `record ${i} names a live order`);
        assert.equal(o.side, side);
        if (t === T_CANCEL) {
          assert.equal(o.qty, qty, 'a cancel carries the open quantity');
          book.cancel(id);
        } else {
          const opp = book.best((side ^ 1) as SideCode);
          assert.ok(opp < 0 || (side === BUY ? price < opp : price > opp), 'amend stays passive');
          book.amend(id, price, qty);
        }
      }
    }
    assert.ok(kinds[T_AMEND]! > 0 && kinds[T_MARKET]! > 0);
    assert.ok(book.live.length <= meta.maxLive);
    assert.equal(book.tradedQty, meta.tradedQty);
    assert.equal(depthHash(book.depth()), meta.final.depthHash);
  }
});

test('the realised brief mix is near its nominal shares and the book stays near its target', () => {
  const { meta } = generate({ profile: 'cents', n: 100_000, seed: 11 });
  assert.ok(Math.abs(meta.mix.limit - 0.6) < 0.05, `limit share ${meta.mix.limit}`);
  assert.ok(Math.abs(meta.mix.market - 0.05) < 0.01);
  assert.ok(Math.abs(meta.mix.cancel - 0.3) < 0.05);
  assert.ok(Math.abs(meta.mix.amend - 0.05) < 0.01);
  assert.ok(meta.maxLive < 2_000 && meta.final.liveOrders > 500, `maxLive ${meta.maxLive}`);
});
