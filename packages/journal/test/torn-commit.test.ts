// A group commit is one O_DSYNC write that can span many pages, and a power cut during it can leave
// a later page on the disk and not an earlier one (the device writes a request's sectors in any
// order). The commit was never acknowledged, so that is a torn tail and is cut; a damaged record
// followed by a complete later commit (which was acknowledged after it), or a record damaged
// without any sector lost, is still refused. The journal is copied while its writer runs (what a
// crash leaves: the zeros written ahead, the high-water mark as it was) and pages of its last
// commit are then zeroed, as a file system returns blocks a write never reached.
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { MAX_SEAL_RECORDS, sealBytes } from '../src/batch-seal.ts';
import {
  FileJournal,
  JournalCorruptError,
  readJournal,
  segmentFileName,
  verifyJournal,
} from '../src/index.ts';
import { RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES } from '../src/journal-format.ts';
import { scanJournal } from '../src/journal-scan.ts';
import { payloadFor, seededRandom } from './seeded-random.ts';
import { tempDir } from './temp-dir.ts';

const PAGE = 4096;
const PAYLOAD = 100;
const RECORD = RECORD_HEADER_BYTES + PAYLOAD;
/** Records of the last commit: ≈ 35 KB, nine pages. */
const BIG = 300;

interface Crashed {
  readonly dir: string;
  /** Records committed (and acknowledged) before the big commit. */
  readonly durable: number;
  /** The newest segment's file name. */
  readonly segment: string;
  /** Where the big commit's bytes start and its seal starts, in the newest segment. */
  readonly commitStart: number;
  readonly sealStart: number;
}

/** End of the newest segment's records (past it the running writer has written zeros ahead). */
function recordsEnd(dir: string): number {
  return scanJournal(dir, { liveWriter: true }).segments.at(-1)!.validBytes;
}

/**
 * Five commits of seven records, then one commit of BIG records (the write the power cut hit), then
 * `after` more commits of one record each; the journal directory as a crash then leaves it.
 */
async function crashedJournal(t: TestContext, after = 0, segmentBytes?: number): Promise<Crashed> {
  const dir = tempDir(t);
  const opts = { highWaterEveryMs: 3_600_000, ...(segmentBytes ? { segmentBytes } : {}) };
  const { journal } = await FileJournal.open(dir, opts);
  let seq = 0;
  for (let c = 0; c < 5; c++) {
    for (let i = 0; i < 7; i++) journal.append(++seq, payloadFor(seq, PAYLOAD));
    await journal.commit();
  }
  await journal.markHighWater();
  const durable = seq;
  const startBefore = recordsEnd(dir);
  for (let i = 0; i < BIG; i++) journal.append(++seq, payloadFor(seq, PAYLOAD));
  await journal.commit();
  const segment = readdirSync(dir)
    .filter((n) => n.endsWith('.seg'))
    .sort()
    .at(-1)!;
  // The seal in this segment covers the commit's records written to it (a commit may roll segments).
  const sealed = seq - Math.max(Number(segment.slice(0, 20)), durable + 1) + 1;
  const sealStart = recordsEnd(dir) - sealBytes(sealed);
  for (let i = 0; i < after; i++) {
    journal.append(++seq, payloadFor(seq, PAYLOAD));
    await journal.commit();
  }
  const copy = tempDir(t);
  cpSync(dir, copy, { recursive: true });
  await journal.close();
  const commitStart = segment === segmentFileName(1) ? startBefore : 0;
  return { dir: copy, durable, segment, commitStart, sealStart };
}

/** Zeroes `[from, to)` of the newest segment: sectors the write never reached. */
function lose(c: Crashed, ranges: [number, number][]): void {
  const path = join(c.dir, c.segment);
  const bytes = readFileSync(path);
  for (const [from, to] of ranges) bytes.fill(0, from, to);
  writeFileSync(path, bytes);
}

const pageOf = (offset: number) => Math.floor(offset / PAGE) * PAGE;

async function assertCutTo(
  dir: string,
  lastSeq: number,
  context: string,
  payloadBytes = PAYLOAD,
): Promise<void> {
  const report = verifyJournal(dir);
  assert.equal(report.ok, true, `${context}: ${report.error?.message}`);
  assert.equal(report.lastSeq, lastSeq, context);
  assert.ok(report.tornTailBytes > 0, `${context}: a torn tail`);
  assert.equal([...readJournal(dir)].length, lastSeq, `${context}: readJournal stops before it`);
  const { journal, recovery } = await FileJournal.open(dir);
  try {
    assert.equal(recovery.lastSeq, lastSeq, context);
    let expected = 1;
    for (const r of journal.read()) {
      assert.equal(r.seq, expected, context);
      assert.deepEqual(r.payload, payloadFor(expected++, payloadBytes), context);
    }
    assert.equal(expected - 1, lastSeq, context);
    journal.append(lastSeq + 1, payloadFor(lastSeq + 1, PAYLOAD));
    assert.equal(await journal.commit(), lastSeq + 1, `${context}: writable where it was cut`);
  } finally {
    await journal.close();
  }
  const again = await FileJournal.open(dir);
  assert.equal(again.recovery.truncatedBytes, 0, `${context}: the second open is clean`);
  assert.equal(again.recovery.lastSeq, lastSeq + 1, context);
  await again.journal.close();
}

test('a power cut that kept a later page of the last commit and lost an earlier one is a torn tail', async (t) => {
  const cases: [string, (c: Crashed) => [number, number][]][] = [
    ['the page holding its start', (c) => [[c.commitStart, pageOf(c.commitStart) + PAGE]]],
    [
      'a page in its middle',
      (c) => [[pageOf(c.commitStart) + 3 * PAGE, pageOf(c.commitStart) + 4 * PAGE]],
    ],
    [
      'its first page and the page holding its seal (records survive, unsealed)',
      (c) => [
        [c.commitStart, pageOf(c.commitStart) + PAGE],
        [pageOf(c.sealStart), pageOf(c.sealStart) + 2 * PAGE],
      ],
    ],
    ['every page but the one holding its seal', (c) => [[c.commitStart, pageOf(c.sealStart)]]],
    [
      'one 512-byte sector in its middle',
      (c) => [[pageOf(c.commitStart) + 5 * PAGE + 1536, pageOf(c.commitStart) + 5 * PAGE + 2048]],
    ],
  ];
  for (const [what, ranges] of cases) {
    await t.test(what, async (t) => {
      const c = await crashedJournal(t);
      assert.ok(c.sealStart - c.commitStart > 8 * PAGE, 'the commit spans many pages');
      lose(c, ranges(c));
      await assertCutTo(c.dir, c.durable, what);
    });
  }
});

test('the first write of a new segment that lost its header page and kept later ones is torn', async (t) => {
  const c = await crashedJournal(t, 0, 16 * 1024);
  const firstSeq = Number(c.segment.slice(0, 20));
  assert.ok(firstSeq > c.durable + 1, 'the big commit rolled into this segment');
  assert.ok(c.sealStart > PAGE, 'the segment holds more than its first page');
  lose(c, [[0, PAGE]]);
  // The commit's writes to the segments before this one had completed: they are kept.
  await assertCutTo(c.dir, firstSeq - 1, 'header page lost');
});

test('a lost page followed by a complete later commit is refused at the damaged record', async (t) => {
  const c = await crashedJournal(t, 1);
  const page = pageOf(c.commitStart) + 3 * PAGE;
  lose(c, [[page, page + PAGE]]);
  const damaged = c.commitStart + Math.floor((page - c.commitStart) / RECORD) * RECORD;
  const seq = c.durable + 1 + (damaged - c.commitStart) / RECORD;
  await assert.rejects(FileJournal.open(c.dir), (error: unknown) => {
    assert.ok(error instanceof JournalCorruptError, String(error));
    assert.equal(error.offset, damaged);
    assert.match(error.message, /valid records follow/);
    return true;
  });
  const report = verifyJournal(c.dir);
  assert.equal(report.ok, false);
  assert.equal(report.error?.seq, seq);
  assert.throws(() => [...readJournal(c.dir)], JournalCorruptError);
});

test('a record of the last commit damaged with no sector lost is refused', async (t) => {
  const c = await crashedJournal(t);
  const damaged = c.commitStart + 150 * RECORD;
  const path = join(c.dir, c.segment);
  const bytes = readFileSync(path);
  bytes[damaged + RECORD_HEADER_BYTES + 40]! ^= 0x20;
  writeFileSync(path, bytes);
  await assert.rejects(FileJournal.open(c.dir), (error: unknown) => {
    assert.ok(error instanceof JournalCorruptError, String(error));
    assert.equal(error.offset, damaged);
    return true;
  });
  assert.equal(verifyJournal(c.dir).error?.seq, c.durable + 151);
});

test('a lost page of a commit the high-water mark covers is refused: records below it are gone', async (t) => {
  const c = await crashedJournal(t);
  // The writer stopped cleanly after the big commit: its mark names the commit's last seq.
  const clean = tempDir(t);
  const { journal } = await FileJournal.open(c.dir);
  await journal.close();
  cpSync(c.dir, clean, { recursive: true });
  const size = statSync(join(clean, c.segment)).size;
  assert.equal(size, c.sealStart + sealBytes(BIG));
  lose({ ...c, dir: clean }, [
    [pageOf(c.commitStart) + 3 * PAGE, pageOf(c.commitStart) + 4 * PAGE],
  ]);
  await assert.rejects(FileJournal.open(clean), JournalCorruptError);
  assert.equal(verifyJournal(clean).ok, false);
});

test('a commit over MAX_SEAL_RECORDS records is written a seal per write, and torn by write', async (t) => {
  const dir = tempDir(t);
  const { journal } = await FileJournal.open(dir, { highWaterEveryMs: 3_600_000 });
  // The first commit writes the high-water mark (at seq 1); the big one is after it.
  journal.append(1, payloadFor(1, 8));
  await journal.commit();
  await journal.markHighWater();
  const total = 1 + MAX_SEAL_RECORDS + 100;
  for (let seq = 2; seq <= total; seq++) journal.append(seq, payloadFor(seq, 8));
  const syncs = journal.syncCount;
  assert.equal(await journal.commit(), total);
  assert.equal(journal.syncCount - syncs, 2, 'two writes, each ending with its seal');
  const copy = tempDir(t);
  cpSync(dir, copy, { recursive: true });
  await journal.close();
  const bigStart = SEGMENT_HEADER_BYTES + 24 + sealBytes(1);
  const firstEnd = bigStart + MAX_SEAL_RECORDS * 24 + sealBytes(MAX_SEAL_RECORDS);
  const sector = (at: number): [number, number] => [at - (at % 512), at - (at % 512) + 512];
  const c = { dir: copy, segment: segmentFileName(1), durable: 0, commitStart: 0, sealStart: 0 };

  // The second write torn: the first had returned before it started, so it is kept.
  const secondTorn = tempDir(t);
  cpSync(copy, secondTorn, { recursive: true });
  lose({ ...c, dir: secondTorn }, [sector(firstEnd + 1024)]);
  await assertCutTo(secondTorn, 1 + MAX_SEAL_RECORDS, 'second write torn', 8);

  // A sector of the first write lost while the second reached the disk: damage, not a tear.
  lose(c, [sector(firstEnd - 100_000)]);
  await assert.rejects(FileJournal.open(copy), JournalCorruptError);
});

test('seeded: lost sectors of the last commit are always cut, a changed byte always refused', async (t) => {
  const c = await crashedJournal(t);
  const path = join(c.dir, c.segment);
  const pristine = readFileSync(path);
  const commitEnd = c.sealStart + sealBytes(BIG);
  for (let seed = 1; seed <= 80; seed++) {
    const random = seededRandom(seed);
    const bytes = Buffer.from(pristine);
    const hole = seed % 2 === 0;
    let what: string;
    if (hole) {
      // Whole sectors from the commit's on; the part of its first sector before it is older data.
      const sector = Math.floor(random.int(c.commitStart, commitEnd - 1) / 512) * 512;
      const to = Math.min(commitEnd, sector + 512 * random.int(1, 16));
      bytes.fill(0, Math.max(c.commitStart, sector), to);
      what = `seed ${seed}: sectors ${sector}..${to} lost`;
    } else {
      const at = random.int(c.commitStart, commitEnd - 1);
      bytes[at]! ^= random.int(1, 255);
      what = `seed ${seed}: byte ${at} changed`;
    }
    writeFileSync(path, bytes);
    const report = verifyJournal(c.dir);
    if (hole) {
      assert.equal(report.ok, true, `${what}: ${report.error?.message}`);
      assert.equal(report.lastSeq, c.durable, what);
    } else {
      assert.equal(report.ok, false, what);
      // A changed seal is named by the seq after the records it closes.
      assert.ok(report.error!.seq > c.durable && report.error!.seq <= c.durable + BIG + 1, what);
    }
  }
  writeFileSync(path, pristine);
});
