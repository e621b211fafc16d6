// Surveillance in the read models, on SQLite and a real PostgreSQL: the projector runs the detectors
// over each batch and stores their alerts with the evidence in the same transaction; a wash trade
// between one user's accounts is an alert at once, one between two other accounts only once an admin
// links them; an alert an admin acknowledged keeps its status when its episode grows; owner links and
// threshold overrides read back; the account filter and the pages of the list hold.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BinarySpec, CENTS_BINARY_GRID, type Command, Engine } from '@bourse/engine';
import type { AppliedCommand, ReadModels } from '../src/index.ts';
import { useSqlBackends } from './support/sql-backends.ts';

const backends = useSqlBackends();
const M = 7;
const T0 = 1_800_000_000_000;
const change = { by: 'admin', ts: T0 };

const spec: BinarySpec = {
  kind: 'binary',
  instrumentId: M,
  symbol: 'W-YES',
  seriesTicker: 'W',
  eventTicker: 'W',
  title: 'W',
  settlementAssetId: 1,
  ...CENTS_BINARY_GRID,
  fees: { kind: 'none' },
  limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
};

/** The engine and the read models side by side, one command per batch. */
class Driver {
  readonly engine = new Engine({ feeAccountId: 0 });
  seq = 0;
  ts = T0;
  rm: ReadModels;
  constructor(rm: ReadModels) {
    this.rm = rm;
  }
  async run(body: Record<string, unknown>): Promise<void> {
    this.seq++;
    this.ts += 1_000;
    const command = { ...body, seq: this.seq, ts: this.ts } as Command;
    if (command.type === 'placeOrder') (command as { orderId: number }).orderId = this.seq;
    const events = [...this.engine.apply(command)];
    const ac: AppliedCommand = { seq: this.seq, ts: this.ts, command, events };
    await this.rm.apply([ac]);
  }
  async trade(seller: number, buyer: number, priceTicks: number): Promise<void> {
    const o = { instrumentId: M, orderType: 'limit', priceTicks, qtyLots: 100 };
    await this.run({ type: 'placeOrder', accountId: seller, side: 'sell', tif: 'gtc', ...o });
    await this.run({ type: 'placeOrder', accountId: buyer, side: 'buy', tif: 'ioc', ...o });
  }
}

async function setUp(rm: ReadModels): Promise<Driver> {
  const d = new Driver(rm);
  await d.run({ type: 'createAsset', assetId: 1, code: 'USD', scale: 1_000_000 });
  for (const [accountId, userId, subaccount] of [
    [1, 1, 0],
    [2, 1, 1],
    [3, 3, 0],
    [4, 4, 0],
  ]) {
    await d.run({ type: 'createAccount', accountId, userId, subaccount });
    await d.run({ type: 'deposit', accountId, assetId: 1, amount: 10 ** 10 });
  }
  await d.run({ type: 'createInstrument', spec });
  await d.run({ type: 'setMarketStatus', instrumentId: M, status: 'open' });
  return d;
}

describe('surveillance alerts in the read models', () => {
  for (const backend of backends.both) {
    it(`stores wash alerts with evidence, honours links and keeps statuses (${backend.name})`, async () => {
      const rm = await backend.fresh();
      try {
        const d = await setUp(rm);
        await d.trade(3, 4, 5_000);
        assert.deepEqual((await rm.alerts({})).items, [], 'strangers trading is no alert');

        await d.trade(1, 2, 5_000);
        const [washed] = (await rm.alerts({})).items;
        assert.ok(washed);
        assert.deepEqual(
          [washed.kind, washed.instrumentId, washed.accountIds],
          ['wash', M, [1, 2]],
        );
        assert.equal(washed.status, 'open');
        const detail = await rm.alert(washed.alertId);
        assert.deepEqual(
          detail?.fills.map((f) => [f.takerAccountId, f.makerAccountId, f.priceTicks, f.qtyLots]),
          [[2, 1, 5_000, 100]],
        );

        const acked = await rm.setAlertStatus(washed.alertId, 'acknowledged', 'known', change);
        assert.deepEqual(
          [acked?.status, acked?.statusBy, acked?.statusNote],
          ['acknowledged', 'admin', 'known'],
        );
        // The episode grows: the evidence does, the status stays.
        await d.trade(2, 1, 5_100);
        const grown = await rm.alert(washed.alertId);
        assert.deepEqual([grown?.status, grown?.fills.length], ['acknowledged', 2]);

        await rm.linkOwners([3, 4], 'family-3', change);
        assert.deepEqual(
          (await rm.ownerLinks()).map((o) => [o.accountId, o.owner]),
          [
            [3, 'family-3'],
            [4, 'family-3'],
          ],
        );
        await d.trade(4, 3, 5_200);
        const linked = (await rm.alerts({ accountId: 3 })).items;
        assert.deepEqual(
          linked.map((a) => [a.kind, a.accountIds, a.status]),
          [['wash', [3, 4], 'open']],
        );
        assert.equal((await rm.alerts({ status: 'open' })).items.length, 1);
        const firstPage = await rm.alerts({ limit: 1 });
        assert.ok(firstPage.nextCursor);
        const second = await rm.alerts({ limit: 1, cursor: firstPage.nextCursor });
        assert.deepEqual(
          second.items.map((a) => a.alertId),
          [washed.alertId],
        );

        assert.equal(await rm.unlinkOwner(4), true);
        assert.equal(await rm.unlinkOwner(4), false);
        await rm.setThresholds(M, { spoofSizeFactor: 8 }, change);
        assert.deepEqual(
          (await rm.thresholdOverrides()).map((t) => [t.instrumentId, t.overrides]),
          [[M, { spoofSizeFactor: 8 }]],
        );
        await rm.setThresholds(M, undefined, change);
        assert.deepEqual(await rm.thresholdOverrides(), []);
      } finally {
        await rm.close();
      }
    });
  }
});

describe("a market's threshold overrides", () => {
  for (const backend of backends.both) {
    it(`apply from the next batch the projector stores (${backend.name})`, async () => {
      const rm = await backend.fresh();
      try {
        const d = await setUp(rm);
        await rm.setThresholds(M, { washMinLots: 1_000 }, change);
        await d.trade(1, 2, 5_000);
        assert.deepEqual((await rm.alerts({})).items, [], 'a 100-lot wash trade is under the bar');
        await rm.setThresholds(M, undefined, change);
        await d.trade(1, 2, 5_000);
        assert.deepEqual(
          (await rm.alerts({})).items.map((a) => a.kind),
          ['wash'],
        );
      } finally {
        await rm.close();
      }
    });
  }
});

describe('surveillance across a restart of the read models', () => {
  for (const backend of backends.both) {
    it(`judges a settlement on the trades stored before the restart (${backend.name})`, async () => {
      const open = await backend.store();
      let rm = await open();
      const d = await setUp(rm);
      for (let i = 0; i < 3; i++) await d.trade(4, 3, 5_000 + i * 100);
      await rm.close();

      rm = await open();
      d.rm = rm;
      try {
        await d.run({ type: 'setMarketStatus', instrumentId: M, status: 'closed' });
        await d.run({ type: 'settleMarket', instrumentId: M, result: 'yes' });
        const alerts = (await rm.alerts({ kind: 'preSettlement' })).items;
        assert.deepEqual(
          alerts.map((a) => [a.accountIds, a.summary]),
          [
            [
              [3],
              'account 3 bought 300 lots net (100% of the volume) in the 10 min before trading ended, and the market settled yes',
            ],
          ],
        );
        assert.equal((await rm.alert(alerts[0]!.alertId))?.fills.length, 3);
      } finally {
        await rm.close();
      }
    });
  }
});
