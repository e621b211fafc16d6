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
