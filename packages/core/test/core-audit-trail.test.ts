// The core keeps the audit trail: on first start it creates the operator's key (0600) and signs a
// checkpoint of the journal's chain, again at a clean stop; a data directory whose journal was written
// before the chain existed is migrated on its first start (the chain computed over the old records and
// signed as the genesis checkpoint), its commands replay to the same state, and the whole journal,
// old records included, then verifies; a snapshot records the chain at its seq.

import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCheckpoints, verifyAudit } from '@bourse/journal';
import { encodeSegmentHeaderV1, writeRecordV1 } from '../../journal/src/journal-format.ts';
import { encodeCommandRecord } from '../src/command-codec.ts';
import { dataDirLayout, ensureDataDir } from '../src/data-dir.ts';
import type { CommandInput } from '../src/index.ts';
import { limitOrder, marketSetup } from './fixtures/market-setup.ts';
import { openCore } from './fixtures/open-core.ts';
import { tempDataDir } from './fixtures/temp-dir.ts';

test('a journal from before the chain is migrated and verifies, old records included', async (t) => {
  const dir = tempDataDir(t);
  const layout = dataDirLayout(dir);
  ensureDataDir(layout);
  // The commands an older version journaled, in format 1 segments.
  const inputs: CommandInput[] = [...marketSetup(2), limitOrder(1, 'buy', 4_000, 3)];
  // As the sequencer stamps them: seq, ts, and a new order's id (its seq).
  const commands = inputs.map((input, i) => {
    const seq = i + 1;
    const ts = 1_800_000_000_000 + i;
    return input.type === 'placeOrder'
      ? { ...input, seq, ts, orderId: seq }
      : { ...input, seq, ts };
  });
  const payloads = commands.map((c) => encodeCommandRecord(c as never));
  const size = payloads.reduce((n, p) => n + 16 + p.length, 24);
  const segment = Buffer.alloc(size);
  encodeSegmentHeaderV1(1).copy(segment);
  let at = 24;
  payloads.forEach((p, i) => {
    at += writeRecordV1(segment, at, i + 1, p);
  });
  writeFileSync(join(layout.journalDir, '00000000000000000001.seg'), segment);

  const core = await openCore(t, { dataDir: dir });
  assert.equal(statSync(layout.auditKeyPath).mode & 0o777, 0o600);
  const balances = await core.query.balances(1);
  assert.ok(
    balances.some((b) => b.reserved > 0),
    'the old order was replayed and rests',
  );
  await core.submit(limitOrder(2, 'sell', 4_000, 1));
  await core.close();

  const { checkpoints } = readCheckpoints(layout.journalDir);
  const genesis = checkpoints.find((c) => c.genesisFromSeq !== undefined);
  assert.equal(genesis?.genesisFromSeq, 1);
  assert.equal(genesis?.seq, commands.length);
  assert.equal(checkpoints.at(-1)?.seq, commands.length + 1, 'signed again at the clean stop');
  const report = verifyAudit({ journalDir: layout.journalDir, snapshotsDir: layout.snapshotsDir });
  assert.equal(report.ok, true, report.problem?.message);
  assert.equal(report.chainStartSource, 'format 1 genesis');
  assert.equal(report.records, commands.length + 1);
  assert.ok(report.checkpointsVerified >= 2);
});

test('a snapshot records the chain at its seq and the audit checks it', async (t) => {
  const dir = tempDataDir(t);
  const core = await openCore(t, { dataDir: dir, snapshotEvery: 10 });
  await core.submitBatch(marketSetup(3));
  for (let i = 0; i < 12; i++)
    await core.submit(limitOrder(1 + (i % 3), 'buy', 3_000 + 100 * i, 1));
  await core.close();
  const layout = dataDirLayout(dir);
  const report = verifyAudit({ journalDir: layout.journalDir, snapshotsDir: layout.snapshotsDir });
  assert.equal(report.ok, true, report.problem?.message);
  assert.ok(report.snapshotsVerified >= 1, 'a snapshot with its chain hash was checked');
  assert.equal(report.chainStartSource, 'genesis');
});
