// A standby's core fed the leader's journal records (as a cluster's log carries them) journals them
// byte for byte, so its journal matches the leader's record for record, and reaches the same state
// hash; a record that does not decode, or carries the wrong seq, is refused and changes nothing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCommand } from '@bourse/engine';
import { FileJournal } from '@bourse/journal';
import { dataDirLayout } from '../src/data-dir.ts';
import { marketSetup, prng, randomCommand } from './fixtures/market-setup.ts';
import { openCore } from './fixtures/open-core.ts';
import { tempDataDir } from './fixtures/temp-dir.ts';

const ACCOUNTS = 4;

async function journalRecords(dataDir: string): Promise<Uint8Array[]> {
  const { journal } = await FileJournal.open(dataDirLayout(dataDir).journalDir);
  try {
    return [...journal.read()].map((r) => Uint8Array.from(r.payload));
  } finally {
    await journal.close();
  }
}

test('replicated records are journaled byte for byte and reach the same state', async (t) => {
  const leaderDir = tempDataDir(t);
  const leader = await openCore(t, { dataDir: leaderDir, readModels: false });
  await leader.submitBatch(marketSetup(ACCOUNTS));
  const random = prng(11);
  await leader.submitBatch(Array.from({ length: 600 }, () => randomCommand(random, ACCOUNTS, 0)));
  const hash = await leader.query.stateHash();
  await leader.close();
  const records = await journalRecords(leaderDir);
  assert.equal(records.length, hash.seq);

  const standbyDir = tempDataDir(t);
  const standby = await openCore(t, { dataDir: standbyDir, readModels: false });
  // A bad record and a record out of sequence are refused whole, before anything is sequenced.
  await assert.rejects(standby.replicateRecords([records[0]!, Uint8Array.of(2, 250)]), {
    code: 'INVALID_COMMAND',
  });
  await assert.rejects(standby.replicateRecords([records[1]!]), /must have seq 1/);
  assert.equal(standby.durableSeq, 0);
  for (let i = 0; i < records.length; i += 97) {
    const applied = await standby.replicateRecords(records.slice(i, i + 97));
    assert.equal(applied[0]!.seq, i + 1);
    // The command the core hands on is the record decoded once.
    assert.deepEqual(encodeCommand(applied[0]!.command), records[i]);
  }
  assert.deepEqual(await standby.query.stateHash(), hash);
  await standby.close();
  const copied = await journalRecords(standbyDir);
  assert.equal(copied.length, records.length);
  for (let i = 0; i < records.length; i++) assert.deepEqual(copied[i], records[i], `seq ${i + 1}`);
});
