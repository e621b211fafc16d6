// The core on a journal that cannot write (a real full tmpfs, root only): the command caught in the
// failed write is neither acknowledged nor lost, new commands and reads that would show it are
// refused with JOURNAL_STALLED, health says `stalled` with the cause; closing during the stall does
// not hang and fails the caught command, and the data directory opens again afterwards.

import assert from 'node:assert/strict';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { mountTmpfs, tmpfsUnavailable } from '../../journal/test/tmpfs.ts';
import { type AppliedCommand, CoreError, openExchangeCore } from '../src/index.ts';
import { limitOrder, marketSetup } from './fixtures/market-setup.ts';
import { openCore } from './fixtures/open-core.ts';

/** Fills the file system under `dir` to the last byte. */
function fillDisk(dir: string): void {
  for (const size of [1 << 20, 1 << 12, 1]) {
    const fd = openSync(join(dir, `filler-${size}`), 'w');
    try {
      for (;;) writeSync(fd, new Uint8Array(size));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    } finally {
      closeSync(fd);
    }
  }
}

test('a stalled journal refuses new work, reports it, and closes without hanging', {
  timeout: 120_000,
}, async (t) => {
  const why = tmpfsUnavailable();
  if (why !== undefined) {
    t.skip(why);
    return;
  }
  const mount = mountTmpfs(t, 16 * 1024 * 1024);
  const dataDir = join(mount, 'data');
  const core = await openCore(t, { dataDir });
  await core.submitBatch(marketSetup(2));
  assert.equal(core.health?.().state, 'ok');
  fillDisk(mount);

  let caught: Promise<AppliedCommand | unknown> | undefined;
  // The journal's segment holds up to GROWTH_BYTES of zeros written ahead: orders fill those first.
  for (let i = 0; i < 20_000 && caught === undefined; i++) {
    const submitted = core.submit(limitOrder(1, 'buy', 3_000, 1)).catch((error: unknown) => error);
    const outcome = await Promise.race([submitted, sleep(2_000).then(() => 'pending')]);
    if (outcome === 'pending') caught = submitted;
    else assert.ok(!(outcome instanceof Error), String(outcome));
  }
  assert.ok(caught !== undefined, 'a write failed once the disk was full');
  const health = core.health?.();
  assert.equal(health?.state, 'stalled');
  assert.match(health?.cause ?? '', /ENOSPC/);
  await assert.rejects(core.submit({ type: 'tick' }), { code: 'JOURNAL_STALLED' });
  await assert.rejects(core.query.openOrders(1), { code: 'JOURNAL_STALLED' });
  const durable = core.durableSeq;

  await core.close(); // must not wait for space that never comes
  const outcome = await caught;
  assert.ok(outcome instanceof CoreError, String(outcome));
  assert.equal(core.health?.().state, 'failed');

  for (const size of [1 << 20, 1 << 12, 1]) rmSync(join(mount, `filler-${size}`));
  const again = await openExchangeCore({ dataDir });
  t.after(() => again.close());
  assert.ok(again.durableSeq >= durable);
});
