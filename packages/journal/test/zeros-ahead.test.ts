// The journal writes zeros ahead of its records (decision 0960): while it runs, the last segment
// is grown in GROWTH_BYTES steps; a segment it leaves behind and a cleanly closed journal hold only
// their records; a copy taken while it runs (what a crash leaves) opens with every committed record.
import assert from 'node:assert/strict';
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileJournal } from '../src/index.ts';
import { GROWTH_BYTES } from '../src/open-segment.ts';
import { payloadFor } from './seeded-random.ts';
import { tempDir } from './temp-dir.ts';

function segmentSizes(dir: string): number[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.seg'))
    .sort()
    .map((n) => statSync(join(dir, n)).size);
}

test('zeros ahead: grown while running, trimmed at a roll and at close, cut after a crash', async (t) => {
  const dir = tempDir(t);
  const segmentBytes = 64 * 1024;
  const { journal } = await FileJournal.open(dir, { segmentBytes });
  let seq = 0;
  const commitSome = async (n: number) => {
    for (let i = 0; i < n; i++) journal.append(++seq, payloadFor(seq, 500));
    assert.equal(await journal.commit(), seq);
  };
  await commitSome(10);
  assert.deepEqual(segmentSizes(dir), [GROWTH_BYTES], 'the first write grows the file ahead');
  for (let i = 0; i < 30; i++) await commitSome(10);
  const sizes = segmentSizes(dir);
  assert.ok(sizes.length >= 2, 'the journal rolled');
  for (const size of sizes.slice(0, -1)) {
    assert.ok(
      size > segmentBytes / 2 && size < GROWTH_BYTES,
      `a left segment is trimmed (${size})`,
    );
  }
  assert.equal(sizes.at(-1), GROWTH_BYTES);

  const crashed = tempDir(t);
  cpSync(dir, crashed, { recursive: true });
  await journal.close();
  assert.ok(
    segmentSizes(dir).every((s) => s < GROWTH_BYTES),
    'a closed journal holds no zeros',
  );

  const reopened = await FileJournal.open(crashed, { segmentBytes });
  t.after(() => reopened.journal.close());
  assert.equal(reopened.recovery.lastSeq, seq);
  assert.ok(reopened.recovery.truncatedBytes > 0, 'the zeros are cut as a torn tail');
  let expected = 1;
  for (const r of reopened.journal.read()) {
    assert.deepEqual(r.payload, payloadFor(expected, 500));
    expected++;
  }
  assert.equal(expected - 1, seq);
});
