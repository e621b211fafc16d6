// Seeded simulation of power loss: after some durable commits, one more batch is written but
// treated as never synced (and the clean stop that followed as never happened), and the bytes of its
// last write are cut, zero-filled (pages the file system never wrote read back as zeros), holed (a
// few sectors zeroed while later ones reached the disk: the device persists a write's sectors in
// any order) or (for a segment it created) lost with their directory entry. Recovery must keep every durable record
// intact and never invent one. A failure names the seed and step. (Random bytes inside a whole
// record are damage, refused: see tail-damage.test.ts.)
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileJournal, HIGH_WATER_FILE_NAME } from '../src/index.ts';
import { scanJournal } from '../src/journal-scan.ts';
import { payloadFor, type Random, seededRandom } from './seeded-random.ts';
import { tempDir } from './temp-dir.ts';

const SEGMENT_BYTES = 2048;
type Damage = 'cut' | 'zeros' | 'hole' | 'vanish';
const SECTOR = 512;

function segmentSizes(dir: string): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.seg'))) {
    sizes.set(name, statSync(join(dir, name)).size);
  }
  return sizes;
}

/**
 * Where each segment's records end: an open writer's last segment holds zeros written ahead past
 * them (GROWTH_BYTES), which read as a torn tail.
 */
function recordEnds(dir: string): Map<string, number> {
  return new Map(
    scanJournal(dir, { liveWriter: true }).segments.map((s) => [s.name, s.validBytes]),
  );
}

async function appendBatch(journal: FileJournal, random: Random): Promise<number> {
  const count = random.int(1, 40);
  for (let i = 0; i < count; i++) {
    const seq = journal.lastSeq + 1;
    journal.append(seq, payloadFor(seq, random.int(0, 300)));
  }
  return journal.commit();
}

/** Damages the unsynced part of the newest segment; returns what was done, for the message. */
async function loseUnsynced(
  dir: string,
  before: Map<string, number>,
  random: Random,
): Promise<string> {
  const newest = [...segmentSizes(dir).keys()].sort().at(-1)!;
  const path = join(dir, newest);
  const end = statSync(path).size;
  const start = before.get(newest) ?? 0;
  const created = !before.has(newest);
  const kinds: Damage[] = created ? ['cut', 'zeros', 'hole', 'vanish'] : ['cut', 'zeros', 'hole'];
  const kind = kinds[random.int(0, kinds.length - 1)]!;
  const cut = random.int(start, end);
  if (kind === 'vanish') {
    rmSync(path);
    return `${newest} vanished`;
  }
  if (kind === 'hole') {
    // Sectors of the write lost (the part of the first one before it holds older, durable bytes).
    const sector = Math.floor(random.int(start, end - 1) / SECTOR) * SECTOR;
    const from = Math.max(start, sector);
    const to = Math.min(end, sector + SECTOR * random.int(1, 3));
    const bytes = readFileSync(path);
    bytes.fill(0, from, to);
    writeFileSync(path, bytes);
    return `${newest} hole ${from}..${to} (unsynced ${start}..${end})`;
  }
  truncateSync(path, cut);
  const filler = end - cut;
  if (kind === 'zeros') await appendFile(path, new Uint8Array(filler));
  return `${newest} ${kind} from ${cut} (unsynced ${start}..${end})`;
}

test('power loss of an unsynced batch never costs a durable record', async (t) => {
  for (let seed = 1; seed <= 40; seed++) {
    const random = seededRandom(seed);
    const dir = tempDir(t);
    const sizeOf = new Map<number, number>();
    let durable = 0;
    for (let step = 0; step < 3; step++) {
      const { journal } = await FileJournal.open(dir, { segmentBytes: SEGMENT_BYTES });
      for (let i = random.int(0, 4); i > 0; i--) durable = await appendBatch(journal, random);
      const before = recordEnds(dir);
      const mark = readFileSync(join(dir, HIGH_WATER_FILE_NAME));
      await appendBatch(journal, random); // on disk, but treated as never synced
      for (const r of journal.read()) sizeOf.set(r.seq, r.payload.length);
      await journal.close();
      writeFileSync(join(dir, HIGH_WATER_FILE_NAME), mark); // the power went before the clean stop
      const what = await loseUnsynced(dir, before, random);
      const context = `seed ${seed} step ${step}: ${what}`;
      const reopened = await FileJournal.open(dir, { segmentBytes: SEGMENT_BYTES });
      const { lastSeq } = reopened.recovery;
      assert.ok(lastSeq >= durable, `${context}: recovered ${lastSeq} < durable ${durable}`);
      let expected = 1;
      for (const r of reopened.journal.read()) {
        assert.equal(r.seq, expected++, context);
        assert.deepEqual(r.payload, payloadFor(r.seq, sizeOf.get(r.seq)), context);
      }
      assert.equal(expected - 1, lastSeq, context);
      durable = lastSeq;
      await reopened.journal.close();
    }
  }
});
