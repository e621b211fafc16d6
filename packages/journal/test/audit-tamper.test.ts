// The audit trail against an attacker with write access to the files but not the signing key: each
// case changes, removes, inserts or reorders one record of a copy of a journal (also across a segment
// boundary and behind a snapshot), renumbering and recomputing every CRC, and the audit names the
// first record that no longer follows; one who also recomputes every stored chain hash is caught by a
// checkpoint signed before the change, even when only an exported copy of it survives.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import {
  CheckpointWriter,
  CHECKPOINTS_FILE_NAME,
  FileJournal,
  loadOrCreateAuditKey,
  parseCheckpoint,
  SnapshotStore,
  segmentFileName,
  verifyAudit,
} from '../src/index.ts';
import { computeChain } from '../src/journal-format.ts';
import { locate, plant, type StolenSegment, steal } from './journal-attacker.ts';
import { payloadFor } from './seeded-random.ts';
import { tempDir } from './temp-dir.ts';

const RECORDS = 40;
/** A 56-byte header and four records of 48 + 40 bytes: segments hold seqs 1-4, 5-8, ... */
const SEGMENT_BYTES = 410;
const SNAPSHOT_SEQ = 20;
const CHECKPOINT_SEQ = 30;

/** A journal of RECORDS records in ten segments, a snapshot at 20, checkpoints at 30 and 40. */
async function fixture(t: TestContext): Promise<{ root: string; exported: string }> {
  const root = tempDir(t, 'bourse-audit-');
  const journalDir = join(root, 'journal');
  const signer = loadOrCreateAuditKey(join(root, 'audit-key.pem'));
  const writer = new CheckpointWriter(journalDir, signer);
  const { journal } = await FileJournal.open(journalDir, { segmentBytes: SEGMENT_BYTES });
  let exported = '';
  for (let seq = 1; seq <= RECORDS; seq++) {
    journal.append(seq, payloadFor(seq, 40));
    await journal.commit();
    if (seq === SNAPSHOT_SEQ) {
      const snapshots = new SnapshotStore(join(root, 'snapshots'));
      await snapshots.save(seq, payloadFor(9_999, 64), journal.chainAt(seq));
    }
    if (seq === CHECKPOINT_SEQ || seq === RECORDS) {
      const c = await writer.write({ ...journal.chainHead, at: 1_700_000_000_000 + seq });
      if (seq === CHECKPOINT_SEQ) exported = JSON.stringify(c);
    }
  }
  await journal.close();
  await writer.close();
  return { root, exported };
}

function copyOf(t: TestContext, root: string): string {
  const copy = tempDir(t, 'bourse-audit-copy-');
  cpSync(root, copy, { recursive: true });
  return copy;
}

function audit(root: string, extra: { checkpoint?: string; snapshots?: boolean } = {}) {
  const parsed = extra.checkpoint === undefined ? undefined : parseCheckpoint(extra.checkpoint);
  if (typeof parsed === 'string') throw new Error(parsed);
  return verifyAudit({
    journalDir: join(root, 'journal'),
    ...(extra.snapshots === false ? {} : { snapshotsDir: join(root, 'snapshots') }),
    ...(parsed === undefined ? {} : { checkpoints: [parsed] }),
  });
}

/** Applies `edit` to the stolen journal of a copy, writes it back and returns the copy. */
function tampered(
  t: TestContext,
  root: string,
  edit: (segments: StolenSegment[]) => void,
  opts: { rechain?: boolean } = {},
): string {
  const copy = copyOf(t, root);
  const segments = steal(join(copy, 'journal'));
  edit(segments);
  plant(join(copy, 'journal'), segments, opts);
  return copy;
}

function assertNamed(
  report: ReturnType<typeof verifyAudit>,
  want: { kind: string; seq: number; segment?: string },
) {
  assert.equal(report.ok, false, 'the change is caught');
  const problem = report.problem!;
  assert.equal(problem.kind, want.kind, problem.message);
  assert.equal(problem.seq, want.seq, problem.message);
  if (want.segment !== undefined) assert.equal(problem.segment, want.segment, problem.message);
  assert.ok(problem.offset !== undefined && problem.offset >= 0);
}

test('an untouched journal verifies: every record, the snapshot and both checkpoints', async (t) => {
  const { root, exported } = await fixture(t);
  const report = audit(root, { checkpoint: exported });
  assert.equal(report.ok, true, report.problem?.message);
  assert.equal(report.records, RECORDS);
  assert.equal(report.chainStartSource, 'genesis');
  assert.equal(report.checkpointsVerified, 3);
  assert.equal(report.newestCheckpointSeq, RECORDS);
  assert.equal(report.snapshotsVerified, 1);
});

test('each single-record change with its CRC recomputed is caught and the record named', async (t) => {
  const { root } = await fixture(t);
  const cases: { name: string; edit: (s: StolenSegment[]) => void; seq: number; kind?: string }[] =
    [
      {
        name: 'edit a payload byte',
        seq: 14,
        edit: (s) => {
          const [i, j] = locate(s, 14);
          s[i]!.records[j]!.payload[5]! ^= 1;
        },
      },
      {
        name: 'delete a record (later seqs renumbered)',
        seq: 14,
        edit: (s) => {
          const [i, j] = locate(s, 14);
          s[i]!.records.splice(j, 1);
        },
      },
      {
        // The inserted record's own hash follows its predecessor (the format is public); the record
        // it displaced is the first that cannot follow.
        name: 'insert a record (later seqs renumbered)',
        seq: 15,
        edit: (s) => {
          const [i, j] = locate(s, 14);
          s[i]!.records.splice(j, 0, {
            ...s[i]!.records[j]!,
            payload: Buffer.from(payloadFor(77, 40)),
          });
          const prev = s[i]!.records[j - 1]!;
          s[i]!.records[j]!.chain = computeChain(14, prev.chain, s[i]!.records[j]!.payload);
        },
      },
      {
        name: 'swap two records (seqs kept in order)',
        seq: 14,
        edit: (s) => {
          const [i, j] = locate(s, 14);
          const r = s[i]!.records;
          [r[j], r[j + 1]] = [r[j + 1]!, r[j]!];
        },
      },
      {
        name: 'delete the first record of a segment',
        seq: 13,
        edit: (s) => s[locate(s, 13)[0]]!.records.shift(),
      },
      {
        name: 'move the last record of a segment into the next one',
        seq: 12,
        kind: 'segment-chain',
        edit: (s) => {
          const [i] = locate(s, 12);
          s[i + 1]!.records.unshift(s[i]!.records.pop()!);
        },
      },
      {
        name: 'edit a record behind the snapshot',
        seq: 3,
        edit: (s) => {
          s[0]!.records[2]!.payload[0]! ^= 0x40;
        },
      },
    ];
  for (const c of cases) {
    const report = audit(tampered(t, root, c.edit));
    assertNamed(report, { kind: c.kind ?? 'record-chain', seq: c.seq });
    assert.match(report.problem!.message, new RegExp(`seq ${c.seq}|${c.seq}`), c.name);
  }
});

test('a change whose chain hashes were all rewritten is caught by a checkpoint signed before it', async (t) => {
  const { root, exported } = await fixture(t);
  const edit = (s: StolenSegment[]) => {
    const [i, j] = locate(s, 25);
    s[i]!.records[j]!.payload[3]! ^= 1;
  };
  const copy = tampered(t, root, edit, { rechain: true });
  const withLog = audit(copy, { snapshots: false });
  assertNamed(withLog, { kind: 'checkpoint-mismatch', seq: CHECKPOINT_SEQ });
  assert.match(withLog.problem!.message, /one of records 1\.\.30/);

  // The attacker also deletes the log: the exported copy of the checkpoint alone catches it.
  rmSync(join(copy, 'journal', CHECKPOINTS_FILE_NAME));
  assert.equal(audit(copy, { snapshots: false }).ok, true, 'without any checkpoint it passes');
  assertNamed(audit(copy, { snapshots: false, checkpoint: exported }), {
    kind: 'checkpoint-mismatch',
    seq: CHECKPOINT_SEQ,
  });

  // Behind the snapshot, the snapshot's recorded hash catches it first.
  const behind = tampered(t, root, (s) => (s[1]!.records[0]!.payload[0]! ^= 1), { rechain: true });
  assertNamed(audit(behind), { kind: 'snapshot-chain', seq: SNAPSHOT_SEQ });
});

test('records cut from the end, and a forged checkpoint, are caught', async (t) => {
  const { root, exported } = await fixture(t);
  const cut = tampered(t, root, (s) => s.at(-1)!.records.splice(-2, 2), { rechain: true });
  rmSync(join(cut, 'journal', 'journal.hwm'));
  const report = audit(cut);
  assert.equal(report.problem?.kind, 'checkpoint-beyond-end');
  assert.match(report.problem!.message, /records 39\.\.40 were removed/);

  const forged = { ...JSON.parse(exported), chain: 'ab'.repeat(32) };
  const copy = copyOf(t, root);
  assert.equal(
    audit(copy, { checkpoint: JSON.stringify(forged) }).problem?.kind,
    'checkpoint-signature',
  );
  const log = join(copy, 'journal', CHECKPOINTS_FILE_NAME);
  writeFileSync(log, `${readFileSync(log, 'utf8')}${JSON.stringify(forged)}\n`);
  assert.equal(audit(copy).problem?.kind, 'checkpoint-signature');
  assert.ok(readFileSync(join(copy, 'journal', segmentFileName(1))).length > 0);
});
