// The group-commit driver over the real file journal: one commit in flight, later appends ride on the
// next one, and fsync metrics are recorded per commit.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileJournal } from '@bourse/journal';
import { createCoreMetrics, createSequencerStats } from '../src/core-metrics.ts';
import { GroupCommit } from '../src/group-commit.ts';
import { tempDataDir } from './fixtures/temp-dir.ts';

test('appends made while a commit is in flight share the next commit', async (t) => {
  const { journal } = await FileJournal.open(join(tempDataDir(t), 'journal'));
  t.after(() => journal.close());
  const metrics = createCoreMetrics();
  const stats = createSequencerStats();
  const durable: number[] = [];
  const errors: unknown[] = [];
  const commit = new GroupCommit(
    journal,
    0,
    metrics,
    stats,
    (seq) => durable.push(seq),
    (e) => errors.push(e),
  );
  const payload = new Uint8Array([1, 2, 3]);
  journal.append(1, payload);
  commit.request(1);
  for (let seq = 2; seq <= 500; seq++) {
    journal.append(seq, payload);
    commit.request(seq);
  }
  await commit.idle();
  assert.deepEqual(errors, []);
  // 500 requests, at most one commit in flight: the first and one for everything after it at most.
  const commits = stats.journalCommits;
  assert.ok(commits >= 1 && commits <= 2, `${commits} commits`);
  assert.equal(durable.length, commits);
  assert.equal(durable.at(-1), 500);
  assert.equal(metrics.journalFsyncs, commits);
  assert.equal(metrics.fsyncLatencySeconds.count, commits);
  assert.equal(commit.durableSeq, 500);
  assert.equal(journal.durableSeq, 500);

  commit.request(500); // nothing new: no commit
  await commit.idle();
  assert.equal(stats.journalCommits, commits);

  journal.append(501, payload);
  commit.request(501);
  await commit.idle();
  assert.equal(stats.journalCommits, commits + 1);
  assert.equal(durable.at(-1), 501);
});

test('the next commit starts before the previous one is reported durable', async (t) => {
  const { journal } = await FileJournal.open(join(tempDataDir(t), 'journal'));
  t.after(() => journal.close());
  const stats = createSequencerStats();
  const seen: { durable: number; commitsStarted: number }[] = [];
  const commit = new GroupCommit(
    journal,
    0,
    createCoreMetrics(),
    stats,
    (seq) => seen.push({ durable: seq, commitsStarted: stats.journalCommits }),
    (e) => assert.fail(String(e)),
  );
  const payload = new Uint8Array([1, 2, 3]);
  journal.append(1, payload);
  commit.request(1);
  // The journal takes its batch on a microtask; its write cannot end before the next macrotask.
  await null;
  // Appended while the first commit is in flight: they wait for the second.
  for (let seq = 2; seq <= 10; seq++) {
    journal.append(seq, payload);
    commit.request(seq);
  }
  await commit.idle();
  assert.deepEqual(seen, [
    { durable: 1, commitsStarted: 2 },
    { durable: 10, commitsStarted: 2 },
  ]);
});

test('with a spacing, commits start that far apart, what arrives meanwhile rides on the next, and idle() starts a held one at once', async (t) => {
  const { journal } = await FileJournal.open(join(tempDataDir(t), 'journal'));
  t.after(() => journal.close());
  const stats = createSequencerStats();
  const durable: number[] = [];
  const errors: unknown[] = [];
  const starts: number[] = [];
  // The real journal, asking for 1 s between commits' starts (a cluster leader asks for 12 ms).
  const spaced = {
    commitSpacingMs: 1000,
    commit: () => {
      starts.push(performance.now());
      return journal.commit();
    },
  };
  const commit = new GroupCommit(
    spaced,
    0,
    createCoreMetrics(),
    stats,
    (seq) => durable.push(seq),
    (e) => errors.push(e),
  );
  const until = async (done: () => boolean) => {
    for (let i = 0; i < 2000 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(done(), 'timed out waiting');
  };
  const payload = new Uint8Array([7]);
  journal.append(1, payload);
  commit.request(1);
  await until(() => durable.length === 1);
  // Four appends spread over ~80 ms after the first commit is durable: none starts a commit alone.
  for (let seq = 2; seq <= 5; seq++) {
    journal.append(seq, payload);
    commit.request(seq);
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(starts.length, 1, 'held back by the spacing');
  await until(() => durable.at(-1) === 5);
  assert.equal(starts.length, 2, 'the four rode on one commit');
  assert.ok(starts[1]! - starts[0]! >= 1000 - 2, `${starts[1]! - starts[0]!} ms apart`);
  // A commit held back by the spacing is not left waiting by whoever waits for idle (a close).
  journal.append(6, payload);
  commit.request(6);
  await commit.idle();
  assert.equal(durable.at(-1), 6);
  assert.equal(starts.length, 3);
  assert.deepEqual(errors, []);
  assert.equal(stats.journalCommits, 3);
});
