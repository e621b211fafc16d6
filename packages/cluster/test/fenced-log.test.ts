// The fenced log and the election against a real three-member etcd cluster on loopback: a deposed
// leader's append fails, terms are recorded, the log reads back in order and trims behind a seq, and
// leadership passes to the next candidate when the leader's lease goes.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Etcd3 } from 'etcd3';
import { Election } from '../src/election.ts';
import { EtcdCluster } from '../src/etcd-members.ts';
import { FencedError, FencedLog } from '../src/fenced-log.ts';

let cluster: EtcdCluster;
let client: Etcd3;

before(async () => {
  cluster = await EtcdCluster.start();
  client = cluster.client();
});

after(async () => {
  client?.close();
  await cluster?.stop();
});

/** Generous: etcd on a shared 2-core machine can be slow; nothing here waits on a timer but leases. */
const T = { timeout: 120_000 };
const cmd = (seq: number) => JSON.stringify({ type: 'tick', seq, ts: 1000 + seq });
const far = () => Date.now() + 30_000;

test('a deposed leader cannot append; the new term continues the log', T, async () => {
  const log = new FencedLog(client, '/t1');
  const a = await new Election(client, 'a', { prefix: '/t1' }).campaign();
  const fenceA = await log.takeOver(await log.head(), 'a', a.electionKey, a.electionCreateRevision);
  assert.equal(fenceA.term, 1);
  await log.append(fenceA, [cmd(1), cmd(2)], far());
  await log.append(fenceA, [cmd(3)], far());

  // b campaigns; a resigns (as if its lease expired), b leads and starts term 2.
  const campaignB = new Election(client, 'b', { prefix: '/t1' }).campaign();
  await a.resign();
  const b = await campaignB;
  assert.equal(await a.lost, 'resigned');
  const seen = await log.head();
  assert.deepEqual([seen.seq, seen.term, seen.leader], [3, 1, 'a']);
  const fenceB = await log.takeOver(seen, 'b', b.electionKey, b.electionCreateRevision);
  assert.equal(fenceB.term, 2);

  // a still believes it leads: its append is refused, and changes nothing.
  await assert.rejects(log.append(fenceA, [cmd(4)], far()), FencedError);
  await log.append(fenceB, [cmd(4), cmd(5)], far());
  const head = await log.head();
  assert.deepEqual([head.seq, head.term, head.leader], [5, 2, 'b']);

  const { batches } = await log.read(1, 100);
  assert.deepEqual(
    batches.map((x) => [x.term, x.fromSeq, x.toSeq]),
    [
      [1, 1, 2],
      [1, 3, 3],
      [2, 4, 5],
    ],
  );
  assert.deepEqual(
    batches.flatMap((x) => x.commands.map((c) => c.seq)),
    [1, 2, 3, 4, 5],
  );
  // Reading from the middle of a batch starts with the batch that holds it.
  assert.equal((await log.read(2, 100)).batches[0]?.fromSeq, 1);
  await b.resign();
});

test(
  'an append is refused once the election key is gone, even with the head unchanged',
  T,
  async () => {
    const log = new FencedLog(client, '/t2');
    const a = await new Election(client, 'a', { prefix: '/t2', ttlSeconds: 2 }).campaign();
    const fence = await log.takeOver(
      await log.head(),
      'a',
      a.electionKey,
      a.electionCreateRevision,
    );
    await log.append(fence, [cmd(1)], far());
    await a.resign();
    await assert.rejects(log.append(fence, [cmd(2)], far()), FencedError);
    assert.equal((await log.head()).seq, 1);
  },
);

test('two leaders racing on one head revision: exactly one wins', T, async () => {
  const log = new FencedLog(client, '/t3');
  const a = await new Election(client, 'a', { prefix: '/t3' }).campaign();
  const base = await log.takeOver(await log.head(), 'a', a.electionKey, a.electionCreateRevision);
  for (let round = 0; round < 10; round++) {
    const one = { ...base, node: 'x' };
    const two = { ...base, node: 'y' };
    const results = await Promise.allSettled([
      log.append(one, [cmd(base.seq + 1)], far()),
      log.append(two, [cmd(base.seq + 1)], far()),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const winner = results[0]!.status === 'fulfilled' ? one : two;
    base.headRevision = winner.headRevision;
    base.seq = winner.seq;
  }
  assert.equal((await log.head()).seq, 10);
  await a.resign();
});

test('a large group commit is split into several fenced transactions', T, async () => {
  const log = new FencedLog(client, '/t4');
  const a = await new Election(client, 'a', { prefix: '/t4' }).campaign();
  const fence = await log.takeOver(await log.head(), 'a', a.electionKey, a.electionCreateRevision);
  const pad = 'x'.repeat(4000);
  const big = Array.from({ length: 600 }, (_, i) =>
    JSON.stringify({ type: 'tick', seq: i + 1, ts: 1, pad }),
  );
  await log.append(fence, big, far());
  const { batches } = await log.read(1, 100);
  assert.ok(batches.length >= 3, `${batches.length} batches`);
  assert.equal(batches.at(-1)?.toSeq, 600);
  assert.equal(
    batches.reduce((n, b) => n + b.commands.length, 0),
    600,
  );

  // Trim everything before seq 300: the batch holding 300 stays.
  assert.ok((await log.trimBefore(300)) > 0);
  const first = await log.firstSeq();
  assert.ok(first <= 300 && first > 1, `first seq ${first}`);
  assert.equal((await log.read(first, 100)).batches.at(-1)?.toSeq, 600);
  await a.resign();
});

test(
  'leadership passes to the waiting candidate when the leader stops renewing its lease',
  T,
  async () => {
    const ea = new Election(client, 'a', { prefix: '/t5', ttlSeconds: 2 });
    const a = await ea.campaign();
    assert.equal(await ea.leader(), 'a');
    const eb = new Election(client, 'b', { prefix: '/t5', ttlSeconds: 2 });
    const campaignB = eb.campaign();
    // a stops renewing, as a paused or cut-off process would: no keep-alive, no revoke.
    a.release();
    assert.match(await a.lost, /deadline/);
    assert.equal(a.valid(), false);
    const b = await campaignB;
    assert.equal(await eb.leader(), 'b');
    assert.ok(b.valid());
    await b.resign();
  },
);
