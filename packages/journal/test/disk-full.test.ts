// A disk that fills up stalls the journal instead of killing it: commits stay pending (nothing is
// reported durable that is not on disk), the stall is reported with its cause, and once space is
// freed the same batch is written again and every commit resolves. Runs on a real, small tmpfs.
import assert from 'node:assert/strict';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileJournal, readJournal } from '../src/index.ts';
import { payloadFor } from './seeded-random.ts';
import { mountTmpfs, tmpfsUnavailable } from './tmpfs.ts';

const PAYLOAD = 900;

test('a full disk stalls commits until space is freed, then the batch is written', async (t) => {
  const why = tmpfsUnavailable();
  if (why !== undefined) {
    t.skip(why);
    return;
  }
  const mount = mountTmpfs(t, 512 * 1024);
  const ballast = join(mount, 'ballast');
  writeFileSync(ballast, new Uint8Array(128 * 1024));
  const dir = join(mount, 'journal');
  const { journal } = await FileJournal.open(dir, { segmentBytes: 32 * 1024 });
  const stalls: (string | undefined)[] = [];
  journal.onStall = (error) => stalls.push((error as NodeJS.ErrnoException | undefined)?.code);

  // Commit until a commit does not come back: the disk is full.
  let pending: Promise<number> | undefined;
  for (let seq = 1; seq <= 2_000 && pending === undefined; seq++) {
    journal.append(seq, payloadFor(seq, PAYLOAD));
    const commit = journal.commit();
    const outcome = await Promise.race([
      commit.then(() => 'durable'),
      new Promise((resolve) => {
        const poll = setInterval(() => {
          if (journal.stalled !== undefined) {
            clearInterval(poll);
            resolve('stalled');
          }
        }, 5);
        commit.finally(() => clearInterval(poll));
      }),
    ]);
    if (outcome === 'stalled') pending = commit;
  }
  assert.ok(pending !== undefined, 'the disk filled up');
  assert.equal((journal.stalled as NodeJS.ErrnoException).code, 'ENOSPC');
  assert.deepEqual(stalls, ['ENOSPC']);
  const durable = journal.durableSeq;
  assert.equal(journal.lastSeq, durable + 1, 'the last record waits');
  // Nothing reported durable is missing from the disk.
  const onDisk = [...readJournal(dir)];
  assert.ok(onDisk.length >= durable, `${onDisk.length} records on disk, ${durable} durable`);

  rmSync(ballast);
  assert.equal(await pending, durable + 1, 'the stalled commit resolves once space is back');
  assert.deepEqual(stalls, ['ENOSPC', undefined]);
  assert.equal(journal.stalled, undefined);
  assert.ok(journal.writeErrors >= 1);
  journal.append(durable + 2, payloadFor(durable + 2, PAYLOAD));
  assert.equal(await journal.commit(), durable + 2);
  await journal.close();

  const reopened = await FileJournal.open(dir);
  assert.equal(reopened.recovery.lastSeq, durable + 2);
  assert.equal(reopened.recovery.cleanStop, true);
  let expected = 1;
  for (const r of reopened.journal.read()) {
    assert.equal(r.seq, expected++);
    assert.deepEqual(r.payload, payloadFor(r.seq, PAYLOAD));
  }
  await reopened.journal.close();
});

test('closing a stalled journal abandons the batch it could not write', async (t) => {
  const why = tmpfsUnavailable();
  if (why !== undefined) {
    t.skip(why);
    return;
  }
  const mount = mountTmpfs(t, 256 * 1024);
  const dir = join(mount, 'journal');
  const { journal } = await FileJournal.open(dir);
  let seq = 0;
  let failed: unknown;
  const commits: Promise<unknown>[] = [];
  while (journal.stalled === undefined && seq < 2_000) {
    journal.append(++seq, payloadFor(seq, PAYLOAD));
    const commit = journal.commit();
    commits.push(commit.catch((error: unknown) => (failed = error)));
    await Promise.race([commit, new Promise((resolve) => setTimeout(resolve, 200))]);
  }
  assert.ok(journal.stalled !== undefined);
  const durable = journal.durableSeq;
  await journal.close();
  await Promise.all(commits);
  assert.equal((failed as NodeJS.ErrnoException).code, 'ENOSPC');
  assert.ok([...readJournal(dir)].length >= durable);
});
