// The embedded core with its read models in PostgreSQL (`bourse serve --read-db postgres://…`): the
// read-model thread stores every durable command there, a restart resumes from the seq they hold, and
// a database that is ahead of the journal (another data directory's) is refused, never set aside.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPostgresReadModels } from '@bourse/projections';
import { PostgresTestServer } from '../../projections/test/support/postgres-server.ts';
import { openExchangeCore, type ReadDb } from '../src/index.ts';
import { limitOrder, MARKET, marketSetup } from './fixtures/market-setup.ts';
import { tempDataDir } from './fixtures/temp-dir.ts';

let pg: PostgresTestServer;

before(async () => {
  pg = await PostgresTestServer.start();
});
after(() => pg?.stop());

async function readDb(): Promise<ReadDb> {
  return { kind: 'postgres', url: await pg.createDatabaseUrl() };
}

test('the read models live in PostgreSQL and resume from their seq after a restart', async (t) => {
  const dataDir = tempDataDir(t);
  const db = await readDb();
  const first = await openExchangeCore({ dataDir, readDb: db, readModelIdle: false });
  await first.submitBatch(marketSetup(2));
  await first.submit({ ...limitOrder(1, 'sell', 6_000, 2), clientOrderId: 's-1' } as never);
  await first.submit(limitOrder(2, 'buy', 6_000, 1));
  await first.readModels.waitFor(first.durableSeq);
  const trades = await first.readModels.trades({ instrumentId: MARKET });
  assert.equal(trades.items.length, 1);
  const seq = first.durableSeq;
  await first.close();

  const again = await openExchangeCore({ dataDir, readDb: db, readModelIdle: false });
  t.after(() => again.close());
  assert.equal(await again.readModels.lastAppliedSeq(), seq);
  await again.submit(limitOrder(2, 'buy', 6_000, 1));
  await again.readModels.waitFor(again.durableSeq);
  assert.equal((await again.readModels.trades({ instrumentId: MARKET })).items.length, 2);
  const rows = await again.readModels.orders({ accountId: 1, clientOrderId: 's-1' });
  assert.equal(rows.items[0]?.filledQtyLots, 200);
});

test('a database ahead of the journal is refused, and left as it was', async (t) => {
  const db = await readDb();
  const core = await openExchangeCore({
    dataDir: tempDataDir(t),
    readDb: db,
    readModelIdle: false,
  });
  await core.submitBatch(marketSetup(1));
  await core.readModels.waitFor(core.durableSeq);
  const held = core.durableSeq;
  await core.close();
  await assert.rejects(
    openExchangeCore({ dataDir: tempDataDir(t), readDb: db, readModelIdle: false }),
    (error: Error & { code?: string }) =>
      error.code === 'DATA_DIR_INCONSISTENT' && !error.message.includes('password'),
  );
  const models = await openPostgresReadModels((db as { url: string }).url);
  t.after(() => models.close());
  assert.equal(await models.lastAppliedSeq(), held);
  assert.ok(held > 0);
});
