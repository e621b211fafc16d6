// The leader losing etcd, and the whole cluster killed at once. Each node here talks to one etcd
// member only, so killing the leader's member cuts that node (alone) off from etcd: it must stop
// sequencing when its lease deadline passes while a node still connected takes over. Then every engine
// node and every etcd member is killed -9 at the same moment and restarted from disk: no acknowledged
// command is lost and the nodes agree again.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CommandInput } from '@bourse/core';
import { marketSetup } from '../../core/test/fixtures/market-setup.ts';
import { ClusterHarness } from './support/cluster-harness.ts';
import { TradeLog } from './support/trade-log.ts';

const HASH_EVERY = 10;
const T = { timeout: 240_000 };
const NODES = ['n1', 'n2', 'n3'];
let h: ClusterHarness;
let log: TradeLog;

before(async () => {
  h = await ClusterHarness.start([`--hash-every=${HASH_EVERY}`, '--lease-ttl=2']);
  log = new TradeLog(h, HASH_EVERY, 4, 11);
  await Promise.all(NODES.map((id, i) => h.startNode(id, [h.etcd.endpoints[i]!])));
  const setup = await h.submitOk(marketSetup(4));
  assert.ok(setup.ok);
  log.record(setup.results);
});

after(async () => {
  await h?.stop();
});

test(
  'a leader cut off from etcd stops sequencing; a node still connected takes over',
  T,
  async () => {
    await log.trade(20);
    const old = await h.leader();
    const member = h.etcd.members[NODES.indexOf(old.node)]!;
    const lastBefore = log.lastSeq;
    await member.kill('SIGKILL');
    await log.trade(20);
    const now = await h.leader(old.node);
    assert.ok(now.term > old.term);
    await h.until('the cut-off leader to stand by', async () => {
      const s = (await h.status(500)).find((x) => x.node === old.node);
      return s?.role === 'standby' ? s : undefined;
    });
    member.start();
    await h.etcd.waitWritable();
    await log.trade(10);
    await log.converged();
    await log.termsInOrder(old.term, lastBefore + 1);
    await log.noAcknowledgedCommandLost();
  },
);

test(
  'every engine node and etcd member killed at once: restarted from disk, nothing acknowledged is lost',
  T,
  async () => {
    await log.trade(20);
    const beforeKill = log.lastSeq;
    await Promise.all([
      ...NODES.map((id) => h.kill(id, 'SIGKILL')),
      ...h.etcd.members.map((m) => m.kill('SIGKILL')),
    ]);
    for (const m of h.etcd.members) m.start();
    await h.etcd.waitWritable();
    const termBefore = Math.max(...(await h.logBatches()).map((b) => b.term));
    await Promise.all(NODES.map((id, i) => h.startNode(id, [h.etcd.endpoints[i]!])));
    // Right after the restart, before any new command: every node reports the term and its state hash
    // at the last hash interval it holds, not only from the next one on.
    for (const s of await h.status()) {
      assert.ok(s.term >= termBefore, `${s.node} reports term ${s.term} < ${termBefore}`);
      assert.ok(s.hashSeq > 0 && s.hashSeq % HASH_EVERY === 0, `${s.node} hashed at ${s.hashSeq}`);
      assert.notEqual(s.stateHash, '', `${s.node} reports a state hash`);
    }
    await log.trade(10);
    await log.converged();
    await log.termsInOrder();
    await log.noAcknowledgedCommandLost();
    // A reader that was behind when everything died (a projector) asks for commands from before the
    // restart, which no node holds in memory any more: they are recomputed, events included.
    const replay = await h.replay(beforeKill - 9, beforeKill);
    assert.ok(replay.ok, JSON.stringify(replay));
    assert.deepEqual(
      replay.batch.map((a) => a.seq),
      Array.from({ length: 10 }, (_, i) => beforeKill - 9 + i),
    );
    for (const a of replay.batch) {
      const acked = log.acknowledged.get(a.seq);
      if (acked !== undefined) assert.deepEqual(a, acked, `seq ${a.seq} as acknowledged`);
    }
    // A placeOrder acknowledged before the restart and retried after it is answered from the log.
    const placed = [...log.acknowledged.values()].findLast(
      (a) => a.seq <= beforeKill && a.command.type === 'placeOrder' && 'clientOrderId' in a.command,
    )!;
    const {
      seq: _seq,
      ts: _ts,
      orderId: _id,
      ...input
    } = placed.command as unknown as Record<string, unknown>;
    const again = await h.submitOk([input as unknown as CommandInput]);
    assert.ok(again.ok);
    assert.deepEqual(again.duplicates, [0]);
    assert.deepEqual(again.results[0], placed);
  },
);

test('a leader stopped with SIGTERM gives up its lease and exits cleanly', T, async () => {
  const old = await h.leader();
  const proc = h.nodes.get(old.node)!;
  const exited = new Promise<number | null>((resolve) =>
    proc.child.once('exit', (code) => resolve(code)),
  );
  proc.child.kill('SIGTERM');
  assert.equal(await exited, 0);
  await log.trade(10);
  const now = await h.leader(old.node);
  assert.ok(now.term > old.term);
  await h.startNode(old.node, [h.etcd.endpoints[NODES.indexOf(old.node)]!]);
  await log.trade(10);
  await log.converged();
  await log.noAcknowledgedCommandLost();
});
