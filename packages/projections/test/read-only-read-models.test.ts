// Read models opened read-only (a clustered gateway reading what the projector stores), on SQLite and a
// real PostgreSQL: opening them over a history with fills inside the detectors' windows reads no fill
// (the writer restores its surveillance window from them; a reader would only carry it in memory),
// history still reads back, and `apply` refuses without touching the tables.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BinarySpec, CENTS_BINARY_GRID, type Command, Engine } from '@bourse/engine';
import type { Kysely, KyselyPlugin } from 'kysely';
import { type AppliedCommand, type Database, KyselyReadModels } from '../src/index.ts';
import { useSqlBackends } from './support/sql-backends.ts';

const backends = useSqlBackends();
const M = 7;
const T0 = 1_800_000_000_000;

const spec: BinarySpec = {
  kind: 'binary',
  instrumentId: M,
  symbol: 'R-YES',
  seriesTicker: 'R',
  eventTicker: 'R',
  title: 'R',
  settlementAssetId: 1,
  ...CENTS_BINARY_GRID,
  fees: { kind: 'none' },
  limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
};

/** A market with `trades` trades between accounts 1 and 2, one second apart (all inside the windows). */
function history(trades: number): AppliedCommand[] {
  const engine = new Engine({ feeAccountId: 0 });
  const out: AppliedCommand[] = [];
  const run = (body: Record<string, unknown>) => {
    const seq = out.length + 1;
    const command = { ...body, seq, ts: T0 + seq * 1_000 } as Command;
    if (command.type === 'placeOrder') (command as { orderId: number }).orderId = seq;
    out.push({ seq, ts: command.ts, command, events: [...engine.apply(command)] });
  };
  run({ type: 'createAsset', assetId: 1, code: 'USD', scale: 1_000_000 });
  for (const accountId of [1, 2]) {
    run({ type: 'createAccount', accountId, userId: accountId, subaccount: 0 });
    run({ type: 'deposit', accountId, assetId: 1, amount: 10 ** 10 });
  }
  run({ type: 'createInstrument', spec });
  run({ type: 'setMarketStatus', instrumentId: M, status: 'open' });
  for (let i = 0; i < trades; i++) {
    const o = {
      instrumentId: M,
      orderType: 'limit',
      priceTicks: 4_000 + (i % 5) * 100,
      qtyLots: 100,
    };
    run({ type: 'placeOrder', accountId: 1, side: 'sell', tif: 'gtc', ...o });
    run({ type: 'placeOrder', accountId: 2, side: 'buy', tif: 'ioc', ...o });
  }
  return out;
}

/** The same database, with every table a query names recorded in `tables`. */
function recording(db: Kysely<Database>, tables: Set<string>): Kysely<Database> {
  const plugin: KyselyPlugin = {
    transformQuery({ node }) {
      for (const m of JSON.stringify(node).matchAll(/"table":\{[^}]*"name":"(\w+)"/g)) {
        tables.add(m[1]!);
      }
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return db.withPlugin(plugin);
}

for (const backend of backends.both) {
  describe(`read-only read models (${backend.name})`, () => {
    it('open without reading the fills, read history, and refuse to apply', async () => {
      const db = await backend.kysely();
      const serializeReads = backend.dialect === 'sqlite';
      const writer = await KyselyReadModels.open(db, { feeAccountId: 0, serializeReads });
      await writer.apply(history(20));
      const stored = await writer.lastAppliedSeq();

      const byWriter = new Set<string>();
      await KyselyReadModels.open(recording(db, byWriter), { feeAccountId: 0, serializeReads });
      assert.ok(byWriter.has('fills'), 'the writer restores its window from the stored fills');

      const byReader = new Set<string>();
      const reader = await KyselyReadModels.open(recording(db, byReader), {
        feeAccountId: 0,
        serializeReads,
        readOnly: true,
      });
      assert.ok(!byReader.has('fills'), `read at open: ${[...byReader].join(', ')}`);
      assert.equal(await reader.lastAppliedSeq(), stored);
      const trades = await reader.trades({ instrumentId: M, limit: 100 });
      assert.equal(trades.items.length, 20);

      await assert.rejects(reader.apply(history(21).slice(-2)), /read-only/);
      assert.equal(await writer.lastAppliedSeq(), stored);
      await db.destroy();
    });
  });
}
