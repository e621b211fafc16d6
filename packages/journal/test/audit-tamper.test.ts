// The audit trail against an attacker with write access to the files but not the signing key: each
// case changes, removes, inserts or reorders one record of a copy of a journal (also across a segment
// boundary and behind a snapshot), renumbering and recomputing every record's CRC, and the audit names
// the record its batch's seal no longer lists; a seal edited or dropped is caught too, and a record
// changed together with its seal's manifest names its batch; one who also recomputes every seal and
// header is caught by a checkpoint signed before the change, even when only an exported copy of it
// survives.
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
import {
  editManifest,
  locate,
  plant,
  recordsOf,
  type StolenRecord,
  type StolenSeal,
  type StolenSegment,
  steal,
} from './journal-attacker.ts';
import { payloadFor } from './seeded-random.ts';
import { tempDir } from './temp-dir.ts';

const RECORDS = 40;
/**
 * Records of 16 + 40 bytes committed two at a time (each pair ends with a 60-byte seal): a 56-byte
 * header and two batches take 400 bytes, so segments hold seqs 1-4, 5-8, ... in batches 1-2, 3-4, ...
 */
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
    if (seq % 2 === 1) continue;
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
  opts: { rechain?: boolean; reseal?: boolean } = {},
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
  // The attacker's tools write back what they read unchanged: the copy verifies as well.
  const planted = audit(
    tampered(t, root, () => {}),
    { checkpoint: exported },
  );
  assert.equal(planted.ok, true, planted.problem?.message);
  assert.equal(planted.headChain, report.headChain);
});

/** The record `seq` of the stolen journal. */
function recordAt(s: StolenSegment[], seq: number): StolenRecord {
  const [i, j] = locate(s, seq);
  return s[i]!.frames[j] as StolenRecord;
}

/** The seal that follows record `seq` in its segment, and its index there. */
function sealAfter(s: StolenSegment[], seq: number): { seal: StolenSeal; i: number; j: number } {
  const [i, j] = locate(s, seq);
  const k = s[i]!.frames.findIndex((f, at) => at > j && f.kind === 'seal');
  return { seal: s[i]!.frames[k] as StolenSeal, i, j: k };
}

type Case = { name: string; edit: (s: StolenSegment[]) => void; seq: number; kind?: string };

/** Each single change an attacker can make, and the record (seq) the audit must name. */
const CASES: Case[] = [
  {
    name: 'edit a payload byte',
    seq: 14,
    edit: (s) => {
      recordAt(s, 14).payload[5]! ^= 1;
    },
  },
  {
    // Its batch (13-14) now holds one record where its seal lists two.
    name: 'delete a record (later seqs renumbered)',
    seq: 14,
    edit: (s) => {
      const [i, j] = locate(s, 14);
      s[i]!.frames.splice(j, 1);
    },
  },
  {
    // The inserted record's CRC is not the one the seal lists at its place: it is named itself.
    name: 'insert a record (later seqs renumbered)',
    seq: 14,
    edit: (s) => {
      const [i, j] = locate(s, 14);
      s[i]!.frames.splice(j, 0, {
        kind: 'record',
        seq: 14,
        payload: Buffer.from(payloadFor(77, 40)),
      });
    },
  },
  {
    name: 'swap two records (seqs kept in order)',
    seq: 14,
    edit: (s) => {
      const [a, b] = [recordAt(s, 14), recordAt(s, 15)];
      [a.payload, b.payload] = [b.payload, a.payload];
    },
  },
  {
    name: 'delete the first record of a segment',
    seq: 13,
    edit: (s) => {
      const [i, j] = locate(s, 13);
      s[i]!.frames.splice(j, 1);
    },
  },
  {
    // Its batch (11-12) at the end of its segment loses it: the seal lists two, one precedes it.
    name: 'move the last record of a segment into the next one',
    seq: 12,
    edit: (s) => {
      const [i, j] = locate(s, 12);
      s[i + 1]!.frames.unshift(...s[i]!.frames.splice(j, 1));
    },
  },
  {
    name: 'edit a record behind the snapshot',
    seq: 3,
    edit: (s) => {
      recordAt(s, 3).payload[0]! ^= 0x40;
    },
  },
  {
    // The seal's CRC recomputed: the record its edited entry lists no longer matches it.
    name: "edit an entry of a seal's manifest",
    seq: 14,
    edit: (s) => editManifest(sealAfter(s, 14).seal, 1, 0x1234_5678),
  },
  {
    // Records 13-16 now precede the seal of 15-16: its first entry is 15's CRC, not 13's.
    name: 'drop a seal inside a segment',
    seq: 13,
    edit: (s) => {
      const { i, j } = sealAfter(s, 13);
      s[i]!.frames.splice(j, 1);
    },
  },
  {
    name: 'drop the seal that ends a segment',
    seq: 15,
    kind: 'journal',
    edit: (s) => {
      const { i, j } = sealAfter(s, 15);
      s[i]!.frames.splice(j, 1);
    },
  },
];

test('each single-record change with its CRC recomputed is caught and the record named', async (t) => {
  const { root } = await fixture(t);
  for (const c of CASES) {
    const report = audit(tampered(t, root, c.edit));
    assertNamed(report, { kind: c.kind ?? 'record-chain', seq: c.seq });
    assert.match(report.problem!.message, new RegExp(`seq ${c.seq}|${c.seq}`), c.name);
  }
});

test('a record changed together with its seal entry is caught, its batch named', async (t) => {
  const { root } = await fixture(t);
  const copy = tampered(t, root, (s) => (recordAt(s, 14).payload[5]! ^= 1), { reseal: true });
  const report = audit(copy, { snapshots: false });
  assertNamed(report, { kind: 'seal-chain', seq: 13 });
  assert.match(report.problem!.message, /records 13\.\.14/);
});

test('a change whose chain hashes were all rewritten is caught by a checkpoint signed before it', async (t) => {
  const { root, exported } = await fixture(t);
  const edit = (s: StolenSegment[]) => {
    recordAt(s, 25).payload[3]! ^= 1;
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
  const behind = tampered(t, root, (s) => (recordsOf(s[1]!)[0]!.payload[0]! ^= 1), {
    rechain: true,
  });
  assertNamed(audit(behind), { kind: 'snapshot-chain', seq: SNAPSHOT_SEQ });
});

test('records cut from the end, and a forged checkpoint, are caught', async (t) => {
  const { root, exported } = await fixture(t);
  // Records 39 and 40 and their batch's seal.
  const cut = tampered(t, root, (s) => s.at(-1)!.frames.splice(-3, 3), { rechain: true });
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

test('with the segments behind the snapshot removed, the rest verifies from a header and an edit is still named', async (t) => {
  const { root, exported } = await fixture(t);
  const { journal } = await FileJournal.open(join(root, 'journal'), {
    segmentBytes: SEGMENT_BYTES,
  });
  assert.equal(await journal.removeSegmentsBefore(SNAPSHOT_SEQ), 4, 'segments 1-4 .. 13-16 go');
  assert.deepEqual(journal.sealAt(SNAPSHOT_SEQ), { seq: SNAPSHOT_SEQ, chain: journal.chainAt(19) });
  await journal.close();
  const report = audit(root, { checkpoint: exported });
  assert.equal(report.ok, true, report.problem?.message);
  assert.equal(report.chainStartSource, 'segment header');
  assert.equal(report.chainStartSeq, 17);
  assert.equal(report.snapshotsVerified, 1);
  assert.equal(report.checkpointsVerified, 3, 'the exported checkpoint at 30 and the log');
  assertNamed(audit(tampered(t, root, (s) => (recordAt(s, 22).payload[1]! ^= 2))), {
    kind: 'record-chain',
    seq: 22,
  });
  const rewritten = tampered(t, root, (s) => (recordAt(s, 25).payload[1]! ^= 2), { rechain: true });
  rmSync(join(rewritten, 'journal', CHECKPOINTS_FILE_NAME));
  assertNamed(audit(rewritten, { snapshots: false, checkpoint: exported }), {
    kind: 'checkpoint-mismatch',
    seq: CHECKPOINT_SEQ,
  });
});
