// `bourse backtest --from` starts from the nearest snapshot before the window plus the journal up to
// it: on two data directories holding the same journal, one with snapshots and one without, the
// backtest of one window gives the same report bytes, and the one with snapshots replays fewer records
// to reach the window.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { encodeCommandJson, withDataDirHistory } from '@bourse/core';
import { type Command, Engine } from '@bourse/engine';
import { FileJournal, SnapshotStore } from '@bourse/journal';
import { BACKTEST_ACCOUNT_ID, reportJson, type Strategy } from '@bourse/strategy';
import { binarySpec } from '../../../packages/engine/test/support/harness.ts';
import { backtestSource } from '../src/backtest-source.ts';

const T0 = 1_700_000_000_000;
const SNAPSHOT_EVERY = 25;
let root: string;

/** Two traders quoting and crossing around 50 ¢ for 120 commands, one second apart. */
function history(): Command[] {
  const bodies: Record<string, unknown>[] = [
    { type: 'createAsset', assetId: 1, code: 'USD', scale: 1_000_000 },
    { type: 'createAccount', accountId: 1, userId: 1, subaccount: 0 },
    { type: 'createAccount', accountId: 2, userId: 2, subaccount: 0 },
    { type: 'deposit', accountId: 1, assetId: 1, amount: 10_000_000_000 },
    { type: 'deposit', accountId: 2, assetId: 1, amount: 10_000_000_000 },
    { type: 'createInstrument', spec: binarySpec(100) },
    { type: 'setMarketStatus', instrumentId: 100, status: 'open' },
  ];
  for (let i = 0; bodies.length < 120; i++) {
    const step = (i * 7) % 5;
    bodies.push({
      type: 'placeOrder',
      orderType: 'limit',
      tif: 'gtc',
      instrumentId: 100,
      accountId: 1 + (i % 2),
      side: i % 3 === 0 ? 'buy' : 'sell',
      priceTicks: 4_800 + step * 100,
      qtyLots: 100 * (1 + (i % 3)),
    });
  }
  return bodies.map((b, i) => {
    const seq = i + 1;
    return {
      ...b,
      seq,
      ts: T0 + seq * 1_000,
      ...(b.type === 'placeOrder' ? { orderId: seq } : {}),
    } as Command;
  });
}

async function write(dir: string, commands: readonly Command[], snapshots: boolean): Promise<void> {
  const { journal } = await FileJournal.open(join(dir, 'journal'));
  const engine = new Engine();
  try {
    for (const c of commands) {
      engine.apply(c);
      journal.append(c.seq, encodeCommandJson(JSON.stringify(c)));
      if (snapshots && c.seq % SNAPSHOT_EVERY === 0) {
        await journal.commit();
        await new SnapshotStore(join(dir, 'snapshots')).save(c.seq, engine.snapshot());
      }
    }
    await journal.commit();
  } finally {
    await journal.close();
  }
}

/** Joins the best bid every 5 simulated seconds with one lot step, at most 3 orders open. */
function joiner(): Strategy {
  let n = 0;
  return {
    markets: ['EVT-100'],
    timerMs: 5_000,
    onTimer(view) {
      const bid = view.book('EVT-100')?.bids[0]?.[0];
      if (bid === undefined || view.openOrders().length >= 3) return [];
      n++;
      return [
        {
          type: 'place',
          clientOrderId: `j${n}`,
          market: 'EVT-100',
          side: 'buy',
          priceTicks: bid,
          qtyLots: 100,
        },
      ];
    },
  };
}

async function backtest(dir: string) {
  return withDataDirHistory(dir, (source) =>
    backtestSource(source, joiner(), {
      from: T0 + 60_500,
      to: T0 + 110_000,
      latencyMs: 250,
      fees: true,
      cash: 1_000_000_000,
      accountId: BACKTEST_ACCOUNT_ID,
    }),
  );
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'bourse-backtest-snap-'));
  const commands = history();
  await write(join(root, 'with'), commands, true);
  await write(join(root, 'without'), commands, false);
});
after(() => rmSync(root, { recursive: true, force: true }));

test('a window starts from the snapshot before it and reports as if replayed from the start', async () => {
  const fromSnapshot = await backtest(join(root, 'with'));
  const fromStart = await backtest(join(root, 'without'));
  assert.equal(fromSnapshot.snapshotSeq, 50, 'the newest snapshot before the window (seq 60)');
  assert.equal(fromSnapshot.warmUp, 10);
  assert.equal(fromStart.snapshotSeq, 0);
  assert.equal(fromStart.warmUp, 60);
  const meta = { strategy: 'joiner', params: {} };
  const a = reportJson(fromSnapshot.result, meta);
  assert.equal(a, reportJson(fromStart.result, meta));
  const r = fromSnapshot.result;
  assert.equal(r.recorded.firstSeq, 61);
  assert.equal(r.recorded.lastSeq, 110);
  assert.ok(r.orders.placed >= 1, a.slice(0, 300));
});
