// The fenced log and the election against a real three-member etcd cluster on loopback: a deposed
// leader's append fails, terms are recorded, the log reads back in order and trims behind a seq, and
// leadership passes to the next candidate when the leader's lease goes. The state-hash book keeps
// each hash version's records apart.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Etcd3 } from 'etcd3';
import { type Command, encodeCommand, STATE_HASH_VERSION } from '@bourse/engine';
import { Election } from '../src/election.ts';
import { EtcdCluster } from '../src/etcd-members.ts';
import { FencedError, FencedLog } from '../src/fenced-log.ts';
import { HashBook } from '../src/hash-book.ts';
import { batchCommands, LOG_FORMAT_BINARY, LogFormatError } from '../src/log-format.ts';
import { LogFollower } from '../src/log-follower.ts';

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
const tick = (seq: number): Command => ({ type: 'tick', seq, ts: 1000 + seq });
const cmd = (seq: number) => encodeCommand(tick(seq));
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
  assert.deepEqual(batches.flatMap(batchCommands), [1, 2, 3, 4, 5].map(tick));
  // The log holds each record exactly as the leader's journal writes it.
  assert.deepEqual(
    batches.flatMap((x) => x.records.map((r) => Buffer.from(r).toString('hex'))),
    [1, 2, 3, 4, 5].map((seq) => Buffer.from(cmd(seq)).toString('hex')),
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
    base.head = winner.head;
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
  // A field the binary layout has no place for makes these JSON-format records (still one each).
  const big = Array.from({ length: 600 }, (_, i) =>
    encodeCommand({ type: 'tick', seq: i + 1, ts: 1, pad } as unknown as Command),
  );
  await log.append(fence, big, far());
  const { batches } = await log.read(1, 100);
  assert.ok(batches.length >= 3, `${batches.length} batches`);
  assert.equal(batches.at(-1)?.toSeq, 600);
  assert.equal(
    batches.reduce((n, b) => n + b.records.length, 0),
    600,
  );
  assert.equal((batchCommands(batches[0]!)[0] as unknown as { pad: string }).pad, pad);

  // Trim everything before seq 300: the batch holding 300 stays.
  assert.ok((await log.trimBefore(300)) > 0);
  const first = await log.firstSeq();
  assert.ok(first <= 300 && first > 1, `first seq ${first}`);
  assert.equal((await log.read(first, 100)).batches.at(-1)?.toSeq, 600);
  await a.resign();
});

test(
  'leadership passes to the waiting candidate when the leader stops renewing its lease; the leader is told when its deadline passes',
  T,
  async () => {
    const ea = new Election(client, 'a', { prefix: '/t5', ttlSeconds: 2 });
    const a = await ea.campaign();
    assert.equal(await ea.leader(), 'a');
    const eb = new Election(client, 'b', { prefix: '/t5', ttlSeconds: 2 });
    const campaignB = eb.campaign();
    const heard: boolean[] = [];
    a.onValidity((valid) => heard.push(valid));
    // a stops renewing, as a paused or cut-off process would: no keep-alive, no revoke.
    a.release();
    assert.match(await a.lost, /deadline/);
    assert.equal(a.valid(), false);
    // Told at once, then once when the deadline passed (before the loss, a TTL later).
    assert.deepEqual(heard, [true, false]);
    const b = await campaignB;
    assert.equal(await eb.leader(), 'b');
    assert.ok(b.valid());
    await b.resign();
  },
);

test(
  'the lease deadline runs on a monotonic clock: the wall clock jumping changes nothing',
  T,
  async () => {
    const realNow = Date.now;
    const e = new Election(client, 'a', { prefix: '/t5b', ttlSeconds: 2 });
    const a = await e.campaign();
    const heard: boolean[] = [];
    a.onValidity((valid) => heard.push(valid));
    try {
      // An hour forward (an NTP step, a VM resumed): the lease is as alive as before.
      Date.now = () => realNow() + 3_600_000;
      await new Promise((r) => setTimeout(r, 1_500));
      assert.ok(a.valid(), 'still valid after the wall clock jumped forward');
      // An hour back, and the leader stops renewing: the deadline still passes on time, not an hour late.
      Date.now = () => realNow() - 3_600_000;
      a.release();
      const bound = new Promise<string>((r) => setTimeout(() => r('never lost'), 60_000).unref());
      assert.match(await Promise.race([a.lost, bound]), /deadline/);
    } finally {
      Date.now = realNow;
      await a.resign();
    }
    assert.deepEqual(heard, [true, false], 'told once when the deadline passed, never in between');
  },
);

/** A batch as the previous version wrote it: one JSON object, the commands as JSON. */
async function putJsonBatch(log: FencedLog, term: number, commands: Command[]): Promise<void> {
  const fromSeq = commands[0]!.seq;
  const toSeq = commands.at(-1)!.seq;
  const head = await log.head();
  await client
    .if(log.headKey, 'Mod', '==', head.revision)
    .then(
      client.put(log.headKey).value(JSON.stringify({ seq: toSeq, term, leader: 'old' })),
      client.put(log.batchKey(fromSeq)).value(JSON.stringify({ term, fromSeq, toSeq, commands })),
    )
    .commit();
}

test(
  'a log written in JSON by the previous version is read, trimmed and continued',
  T,
  async () => {
    const log = new FencedLog(client, '/t6');
    await putJsonBatch(log, 1, [tick(1), tick(2)]);
    await putJsonBatch(log, 1, [tick(3)]);
    const a = await new Election(client, 'a', { prefix: '/t6' }).campaign();
    const fence = await log.takeOver(
      await log.head(),
      'a',
      a.electionKey,
      a.electionCreateRevision,
    );
    assert.equal(fence.term, 2);
    await log.append(fence, [cmd(4), cmd(5)], far());

    // A standby follows across the change of format; the JSON commands become binary records.
    const seen: { term: number; fromSeq: number; records: string[] }[] = [];
    const follower = new LogFollower(log, 2, async (b) => {
      seen.push({
        term: b.term,
        fromSeq: b.fromSeq,
        records: b.records.map((r) => Buffer.from(r).toString('hex')),
      });
    });
    assert.equal(await follower.catchUp(), 5);
    const hex = (seq: number) => Buffer.from(cmd(seq)).toString('hex');
    assert.deepEqual(seen, [
      { term: 1, fromSeq: 2, records: [hex(2)] },
      { term: 1, fromSeq: 3, records: [hex(3)] },
      { term: 2, fromSeq: 4, records: [hex(4), hex(5)] },
    ]);
    const raw = await client.get(log.batchKey(4)).buffer();
    assert.equal(raw?.[0], LOG_FORMAT_BINARY);

    assert.equal(await log.firstSeq(), 1);
    assert.equal(await log.trimBefore(3), 1);
    assert.equal(await log.firstSeq(), 3);
    await a.resign();
  },
);

test('a batch in a format this version does not know is refused, naming it', T, async () => {
  const log = new FencedLog(client, '/t7');
  await client.put(log.batchKey(1)).value(Buffer.from([0x03, 1, 1, 1, 0]));
  await client.put(log.headKey).value(JSON.stringify({ seq: 1, term: 1, leader: 'future' }));
  await assert.rejects(log.read(1, 10), (error: unknown) => {
    assert.ok(error instanceof LogFormatError);
    assert.match(error.message, /\/t7\/log\/b\/0+1 holds log format byte 0x3/);
    assert.match(error.message, /does not read/);
    return true;
  });
  const follower = new LogFollower(log, 1, async () => {
    throw new Error('nothing may be applied');
  });
  await assert.rejects(follower.catchUp(), LogFormatError);
  // A damaged binary batch is refused too, not half-applied.
  await client.put(log.batchKey(1)).value(Buffer.from([LOG_FORMAT_BINARY, 1, 1, 5, 2]));
  await assert.rejects(log.read(1, 10), /does not decode as a log batch/);
});

test(
  "state hashes compare per version: an older version's record is never compared, and all trim",
  T,
  async () => {
    const book = new HashBook(client, '/t-hash');
    // A version-1 node's record (16 hex digits under the bare seq), as an older node writes it.
    const v1Key = (seq: number) => `/t-hash/hash/${String(seq).padStart(16, '0')}`;
    await client.put(v1Key(100)).value(JSON.stringify({ hash: '0123456789abcdef', node: 'old' }));
    // And a version-2 node's (before the accounts' digests were kept between hashes).
    const v2Key = (seq: number) => `/t-hash/hash/v2/${String(seq).padStart(16, '0')}`;
    await client
      .put(v2Key(100))
      .value(JSON.stringify({ hash: `2:${'ef'.repeat(16)}`, node: 'v2' }));
    const hash = `${STATE_HASH_VERSION}:${'ab'.repeat(16)}`;
    assert.deepEqual(await book.check(100, hash, 'new-a'), {
      agreed: true,
      recorded: hash,
      by: 'new-a',
    });
    assert.deepEqual(await book.check(100, hash, 'new-b'), {
      agreed: true,
      recorded: hash,
      by: 'new-a',
    });
    const other = `${STATE_HASH_VERSION}:${'cd'.repeat(16)}`;
    assert.deepEqual(await book.check(100, other, 'new-c'), {
      agreed: false,
      recorded: hash,
      by: 'new-a',
    });
    // The old record is where it was, untouched by the new ones.
    assert.equal(JSON.parse((await client.get(v1Key(100)).string())!).node, 'old');
    assert.equal(JSON.parse((await client.get(v2Key(100)).string())!).node, 'v2');
    await book.check(200, hash, 'new-a');
    await book.trimBefore(150);
    assert.equal(await client.get(v1Key(100)).string(), null);
    assert.equal(await client.get(v2Key(100)).string(), null);
    assert.deepEqual(await book.check(200, other, 'new-c'), {
      agreed: false,
      recorded: hash,
      by: 'new-a',
    });
    const left = await client.getAll().prefix('/t-hash/').keys();
    assert.deepEqual(left, [
      `/t-hash/hash/v${STATE_HASH_VERSION}/${String(200).padStart(16, '0')}`,
    ]);
  },
);
