// Three `bourse cluster node` processes over a real three-member etcd and a real nats-server, all on
// loopback: one leads, the others follow the log and agree on state hashes; the leader is killed with
// SIGKILL and paused with SIGSTOP past its lease, and each time a standby takes over, no acknowledged
// command is lost, the paused leader appends nothing when it wakes, and time-driven work (a GTD expiry)
// happens on the new leader. Waits are bounded polls, never fixed sleeps that must be long enough.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AppliedCommand, CommandInput } from '@bourse/core';
import { limitOrder, MARKET, marketSetup } from '../../core/test/fixtures/market-setup.ts';
import { CodecError } from '@bourse/engine';
import { HashBook } from '../src/hash-book.ts';
import { decodeSubmitReply, encodeSubmitRequest } from '../src/protocol.ts';
import { ClusterHarness } from './support/cluster-harness.ts';
import { TradeLog, withClientId } from './support/trade-log.ts';

const HASH_EVERY = 10;
const T = { timeout: 240_000 };
let h: ClusterHarness;
let log: TradeLog;

before(async () => {
  h = await ClusterHarness.start([
    `--hash-every=${HASH_EVERY}`,
    '--lease-ttl=2',
    '--snapshot-every=40',
    '--log-retain=100',
  ]);
  log = new TradeLog(h, HASH_EVERY, 4);
  await Promise.all(['n1', 'n2', 'n3'].map((id) => h.startNode(id)));
});

after(async () => {
  await h?.stop();
});

const record = (r: readonly AppliedCommand[]) => log.record(r);
const trade = (n: number) => log.trade(n);
const converged = (seq: number) => log.converged(seq);
const noAcknowledgedCommandLost = () => log.noAcknowledgedCommandLost();

test('one leader sequences; the standbys follow the log and agree on state hashes', T, async () => {
  const leader = await h.leader();
  const setup = await h.submitOk(marketSetup(4));
  assert.ok(setup.ok);
  record(setup.results);
  assert.ok(setup.results.every((a) => a.events[0]?.type !== 'rejected'));
  await trade(60);
  const last = log.lastSeq;
  const all = await converged(last);
  assert.deepEqual(all.map((s) => s.role).sort(), ['leader', 'standby', 'standby']);
  assert.equal(all.find((s) => s.role === 'leader')?.node, leader.node);
  // Any node replays what it applied, events included.
  const replay = await h.replay(last - 4, last);
  assert.ok(replay.ok);
  assert.deepEqual(
    replay.batch.map((a) => a.seq),
    [last - 4, last - 3, last - 2, last - 1, last],
  );
  assert.deepEqual(replay.batch.at(-1), log.acknowledged.get(last));
  await noAcknowledgedCommandLost();
});

test('a retried placeOrder with the same client order id is answered from the log', T, async () => {
  const order = withClientId(limitOrder(1, 'buy', 4_100, 1), 'retry-me');
  const first = await h.submitOk([order]);
  assert.ok(first.ok);
  record(first.results);
  const again = await h.submitOk([order, limitOrder(2, 'sell', 5_900, 1)]);
  assert.ok(again.ok);
  assert.deepEqual(again.duplicates, [0]);
  assert.deepEqual(again.results[0], first.results[0]);
  assert.equal(again.results[1]?.seq, first.results[0]!.seq + 1);
  record(again.results);
  // Sent twice at once: the second finds the first on its way into the log (or already in it).
  const twice = withClientId(limitOrder(1, 'buy', 4_000, 1), 'sent-twice');
  const [one, two] = await Promise.all([h.submitOk([twice]), h.submitOk([twice])]);
  assert.ok(one.ok && two.ok);
  assert.equal(one.results[0]!.seq, two.results[0]!.seq, 'sequenced once');
  assert.deepEqual(one.results[0], two.results[0]);
  assert.equal((one.duplicates?.length ?? 0) + (two.duplicates?.length ?? 0), 1);
  record(one.results);
  // Bad input is refused before sequencing and changes nothing.
  const bad = await h.submit([{ nonsense: true } as unknown as CommandInput]);
  assert.equal(bad.ok, false);
  const empty = await h.submit([]);
  assert.ok(!empty.ok && empty.code === 'BAD_REQUEST');
  // A timed binary request (a gateway's) is answered with the seqs and how long the leader held it.
  const timed = encodeSubmitRequest({
    inputs: [limitOrder(2, 'buy', 3_900, 1)],
    lean: true,
    timed: true,
  });
  const held = decodeSubmitReply((await h.client.request(h.subjects.submit, timed)).data);
  assert.ok(!(held instanceof CodecError) && held.ok && 'seqs' in held, JSON.stringify(held));
  assert.equal(held.seqs.length, 1);
  assert.ok(Number.isSafeInteger(held.heldUs) && held.heldUs! >= 0, String(held.heldUs));
  const replayed = await h.replay(held.seqs[0]!, held.seqs[0]!);
  assert.ok(replayed.ok);
  record(replayed.batch);
});

test(
  'kill -9 of the leader: a standby takes over and no acknowledged command is lost',
  T,
  async () => {
    const old = await h.leader();
    // A GTD order that expires after the kill: only the new leader's ticks can expire it.
    const expiresAt = Date.now() + 2_500;
    const gtd = await h.submitOk([
      {
        type: 'placeOrder',
        accountId: 3,
        instrumentId: MARKET,
        side: 'buy',
        orderType: 'limit',
        priceTicks: 1_000,
        qtyLots: 100,
        tif: 'gtd',
        expiresAt,
        clientOrderId: 'gtd-1',
      },
    ]);
    assert.ok(gtd.ok);
    record(gtd.results);
    await h.kill(old.node, 'SIGKILL');
    await trade(20);
    const now = await h.leader();
    assert.notEqual(now.node, old.node);
    assert.ok(now.term > old.term);
    await h.until('the GTD order expired on the new leader', async () => {
      const batch = await h.replay(gtd.results[0]!.seq, gtd.results[0]!.seq + 200);
      if (!batch.ok) return undefined;
      const expired = batch.batch.some((a) =>
        a.events.some(
          (e) =>
            e.type === 'orderCancelled' &&
            e.reason === 'expired' &&
            e.orderId === gtd.results[0]!.seq,
        ),
      );
      return expired ? true : undefined;
    });
    await noAcknowledgedCommandLost();
    // The killed node comes back from its own data dir and catches up.
    await h.startNode(old.node);
    await trade(10);
    await converged(log.lastSeq);
  },
);

test(
  'SIGSTOP of the leader past its lease: a standby leads; the revived one appends nothing',
  T,
  async () => {
    const old = await h.leader();
    await h.kill(old.node, 'SIGSTOP');
    // This request can only reach the paused leader (the only one subscribed): it must never be acked.
    const stuck = await h
      .submit([withClientId(limitOrder(4, 'buy', 4_300, 1), 'while-paused')], 3_000)
      .catch((e: Error) => e);
    assert.ok(stuck instanceof Error || !stuck.ok, 'no ack from a paused leader');
    await trade(20);
    const now = await h.leader(old.node);
    assert.ok(now.term > old.term);
    const takeoverSeq = log.lastSeq;
    await h.kill(old.node, 'SIGCONT');
    await h.until('the old leader to stand by', async () => {
      const s = (await h.status(500)).find((x) => x.node === old.node);
      return s?.role === 'standby' ? s : undefined;
    });
    await trade(10);
    const all = await converged(log.lastSeq);
    assert.equal(all.filter((s) => s.role === 'leader').length, 1);
    const batches = await h.logBatches();
    for (let i = 1; i < batches.length; i++) {
      assert.ok(batches[i]!.term >= batches[i - 1]!.term, 'terms never go back in the log');
    }
    assert.ok(
      batches.every((b) => b.term !== old.term || b.toSeq < takeoverSeq),
      'the paused leader appended nothing after the takeover',
    );
    assert.ok(
      !batches.some((b) =>
        b.commands.some((c) => (c as { clientOrderId?: string }).clientOrderId === 'while-paused'),
      ),
      'the request sent to the paused leader is not in the log',
    );
    await noAcknowledgedCommandLost();
  },
);

test(
  'the log is trimmed behind snapshots; a node away longer catches up from a peer',
  T,
  async () => {
    const standby = (await h.status(500)).find((s) => s.role === 'standby')!;
    await h.kill(standby.node, 'SIGKILL');
    await trade(150);
    // The leader trims in the background, behind its newest snapshot: keep trading until it has.
    await h.until('the log trimmed past the stopped node', async () => {
      const first = (await h.logBatches())[0]!.fromSeq;
      if (first > standby.appliedSeq + 1) return first;
      await trade(10);
      return undefined;
    });
    await noAcknowledgedCommandLost();
    // It comes back behind the log's first seq: the gap comes from a peer's journal, the rest from etcd.
    await h.startNode(standby.node);
    await trade(10);
    await converged(log.lastSeq);
    assert.match(h.nodes.get(standby.node)!.stderr, /catching up from a peer/);
  },
);

test('a node whose state hash disagrees with the cluster stops with an alarm', T, async () => {
  // A wrong hash recorded for a seq not reached yet, as a diverged node would have recorded it.
  const last = log.lastSeq;
  const target = (Math.floor(last / HASH_EVERY) + 2) * HASH_EVERY;
  const client = h.etcd.client();
  try {
    await new HashBook(client, '/bourse').check(target, 'not-the-state-hash', 'diverged');
  } finally {
    client.close();
  }
  // Trade past it; the leader stops leading when it finds the difference, so later submits fail.
  for (let i = 0; i < 3 * HASH_EVERY; i++) {
    const reply = await h
      .submit([limitOrder(1 + (i % 4), 'buy', 1_000, 1)], 5_000)
      .catch(() => undefined);
    if (reply === undefined || !reply.ok) break;
    record(reply.results);
  }
  const alarmed = await h.until('every node to raise the alarm', async () => {
    const all = await h.status(500);
    return all.length === 3 && all.every((s) => s.alarm === 'STATE_HASH_MISMATCH')
      ? all
      : undefined;
  });
  for (const s of alarmed) {
    assert.equal(s.role, 'standby');
    const mismatches = s.metrics?.find((m) => m.name === 'bourse_cluster_hash_mismatches_total');
    assert.deepEqual(mismatches?.values, [{ value: 1, labels: { node: s.node } }]);
    assert.match(h.nodes.get(s.node)!.stderr, /"level":"fatal","alarm":"STATE_HASH_MISMATCH"/);
  }
});
