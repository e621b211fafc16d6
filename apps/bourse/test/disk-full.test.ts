// A full disk under a running server: once the journal cannot write, trading calls answer 503
// (retry later), /healthz and /readyz say why, /metrics raises bourse_journal_stalled and the log
// says so; nothing is acknowledged that is not in the journal. Freeing space recovers the same
// process: the order caught in the failed write is acknowledged, health is ok again, trading and
// the read models go on. The data directory is a small tmpfs the test mounts (root only).

import assert from 'node:assert/strict';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BourseApiError, type OrderAck, RestClient } from '@bourse/client';
import { readJournal } from '@bourse/journal';
import { decodeCommand, verifyDataDir } from '@bourse/core';
import { mountTmpfs, tmpfsUnavailable } from '../../../packages/journal/test/tmpfs.ts';
import { MARKET, provision, type Served, serve } from './fixtures/served-exchange.ts';

/** Fills the file system under `dir` to the last byte; returns the files that hold the space. */
function fillDisk(dir: string): string[] {
  const files: string[] = [];
  for (const size of [1 << 20, 1 << 16, 1 << 12, 512, 1]) {
    const path = join(dir, `filler-${size}`);
    files.push(path);
    const fd = openSync(path, 'w');
    const chunk = new Uint8Array(size).fill(0x5a);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    } finally {
      closeSync(fd);
    }
  }
  return files;
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
}

/** Polls `check` (up to about a minute) until it holds. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await sleep(100);
  }
  assert.fail(`${what} did not happen`);
}

/** Trading refused with 503 and a retry delay; health, readiness, metrics and the log say why. */
async function assertStalled(server: Served, a: RestClient, signed: RestClient): Promise<void> {
  for (const client of [a, signed, a]) {
    const refused = await client.placeOrder(order(0)).catch((error: unknown) => error);
    assert.ok(refused instanceof BourseApiError, String(refused));
    assert.equal(refused.status, 503);
    assert.ok((refused.retryAfterSeconds ?? 0) > 0);
  }
  const health = await get(`${server.url}/healthz`);
  assert.equal(health.status, 503);
  assert.match(health.text, /"status":"stalled".*ENOSPC/);
  const ready = await get(`${server.url}/readyz`);
  assert.equal(ready.status, 503);
  assert.match(ready.text, /"ready":false.*ENOSPC/);
  assert.match((await get(`${server.url}/metrics`)).text, /^bourse_journal_stalled 1$/m);
  assert.match(server.output(), /"level":"error","msg":"journal stalled[^\n]*ENOSPC/);
}

const order = (i: number) => ({
  market: MARKET,
  side: 'buy' as const,
  priceTicks: 1_000 + 100 * (i % 5),
  qtyLots: 100,
});

test('a full disk: 503s and not-ready with the cause, nothing acknowledged early, recovery after', {
  timeout: 180_000,
}, async (t) => {
  const why = tmpfsUnavailable();
  if (why !== undefined) {
    t.skip(why);
    return;
  }
  const mount = mountTmpfs(t, 24 * 1024 * 1024);
  const dir = join(mount, 'data');
  const keys = await provision(dir);
  const server = await serve(dir, { logLevel: 'info' });
  t.after(() => server.child.kill('SIGKILL'));
  const a = new RestClient({ baseUrl: server.url, credentials: keys.a! });
  await a.useToken(3_600); // bearer requests: the signature replay log is not written per request
  const acked: OrderAck[] = [];
  for (let i = 0; i < 5; i++) acked.push(await a.placeOrder(order(i)));
  assert.equal((await get(`${server.url}/healthz`)).status, 200);

  const fillers = fillDisk(mount);
  // Orders until one is caught in a failed write (it neither answers nor fails) or is refused. The
  // journal's segment holds up to 256 KiB of zeros written ahead (decision 0960): orders fill those
  // first, a few thousand of them.
  let caught: Promise<OrderAck> | undefined;
  for (let i = 5; i < 8_000 && caught === undefined; i++) {
    const placing = a.placeOrder(order(i));
    const outcome = await Promise.race([
      placing.then(
        (ack) => ack,
        (error: unknown) => error,
      ),
      sleep(3_000).then(() => 'pending' as const),
    ]);
    if (outcome === 'pending') caught = placing;
    else if (outcome instanceof BourseApiError) assert.fail(`refused before a stall: ${outcome}`);
    else acked.push(outcome as OrderAck);
  }
  assert.ok(caught !== undefined, 'a write failed once the disk was full');

  await assertStalled(server, a, new RestClient({ baseUrl: server.url, credentials: keys.a! }));

  // Every acknowledged order is in the journal already.
  const journaled = new Map<number, string>();
  for (const r of readJournal(join(dir, 'journal')))
    journaled.set(r.seq, decodeCommand(r.payload).type);
  for (const ack of acked)
    assert.equal(journaled.get(ack.orderId), 'placeOrder', `order ${ack.orderId}`);

  for (const file of fillers) rmSync(file);
  const late = await caught;
  assert.ok(late.orderId > acked.at(-1)!.orderId);
  await eventually('/healthz ok', async () => (await get(`${server.url}/healthz`)).status === 200);
  assert.equal((await get(`${server.url}/readyz`)).status, 200);
  assert.match((await get(`${server.url}/metrics`)).text, /^bourse_journal_stalled 0$/m);
  assert.match(server.output(), /"msg":"exchange core healthy again"/);
  const after = await a.placeOrder(order(1));
  assert.ok(after.orderId > late.orderId);
  // The read models caught up too (their writes failed on the full disk as well).
  await eventually('history holds the late orders', async () => {
    const page = await a.orders({ limit: 500 });
    const ids = new Set(page.items.map((o) => o.orderId));
    return ids.has(late.orderId) && ids.has(after.orderId);
  });

  const stopped = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  assert.equal(await stopped, 0);
  const report = verifyDataDir(dir);
  assert.equal(report.journal.ok, true, report.journal.error?.message);
  assert.equal(report.journal.cleanStop, true);
  assert.ok(report.journal.lastSeq >= after.orderId);
});
