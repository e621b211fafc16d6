// An idle standby asks etcd for nothing but its keep-alives and its housekeeping: it waits for the
// leader's election key to go on one watch, kept for the whole wait (not a new watch each second), and
// keeps its watch of the log while the log is quiet (checking the head now and then, not replacing the
// watch). Its watches still do their job: a batch appended after a quiet spell reaches it, and when the
// leader is killed it takes over. Real etcd, nats-server and node processes on loopback.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { limitOrder, marketSetup } from '../../core/test/fixtures/market-setup.ts';
import { ClusterHarness } from './support/cluster-harness.ts';
import { etcdMetricSum } from './support/cluster-servers.ts';

const T = { timeout: 240_000 };
let h: ClusterHarness;

before(async () => {
  h = await ClusterHarness.start(['--lease-ttl=2']);
});

after(async () => {
  await h?.stop();
});

const etcdCount = (re: RegExp) => etcdMetricSum(h.etcd, re);

const WATCH_MESSAGES = /^grpc_server_msg_received_total\{[^}]*grpc_method="Watch"[^}]*\} (\S+)$/gm;
const KEEP_ALIVE_STREAMS =
  /^grpc_server_started_total\{[^}]*grpc_method="LeaseKeepAlive"[^}]*\} (\S+)$/gm;
const KEEP_ALIVES =
  /^grpc_server_msg_received_total\{[^}]*grpc_method="LeaseKeepAlive"[^}]*\} (\S+)$/gm;

async function applied(node: string): Promise<number | undefined> {
  return (await h.status()).find((s) => s.node === node)?.appliedSeq;
}

test(
  'an idle standby keeps its watches, which still bring the log and the election',
  T,
  async () => {
    await h.startNode('n1');
    const leader = await h.leader();
    assert.equal(leader.node, 'n1');
    await h.startNode('n2');
    const setup = await h.submitOk(marketSetup(2));
    assert.ok(setup.ok);
    const seq = setup.results.at(-1)!.seq;
    await h.until('n2 to apply the setup', async () =>
      (await applied('n2')) === seq ? true : undefined,
    );

    // Idle for longer than the log watch's quiet check and several of the old election rechecks.
    const before = await etcdCount(WATCH_MESSAGES);
    const streamsBefore = await etcdCount(KEEP_ALIVE_STREAMS);
    const keepAlivesBefore = await etcdCount(KEEP_ALIVES);
    await new Promise((r) => setTimeout(r, 7_000));
    const watchMessages = (await etcdCount(WATCH_MESSAGES)) - before;
    // Before: a new election watch (and its cancel) every second, 14 messages in 7 s.
    assert.ok(watchMessages <= 2, `${watchMessages} watch requests from an idle cluster`);
    // Each node renews every third of its 2 s TTL, all on the stream it keeps: before, every
    // keep-alive opened a stream of its own (about 20 in 7 s for two nodes).
    const keepAlives = (await etcdCount(KEEP_ALIVES)) - keepAlivesBefore;
    const streams = (await etcdCount(KEEP_ALIVE_STREAMS)) - streamsBefore;
    assert.ok(keepAlives >= 14, `${keepAlives} keep-alives from two nodes in 7 s`);
    assert.ok(streams <= 2, `${streams} keep-alive streams opened for ${keepAlives} keep-alives`);

    // The log watch kept through the quiet spell brings the next batch.
    const order = await h.submitOk([limitOrder(1, 'buy', 40, 1)]);
    assert.ok(order.ok);
    const next = order.results.at(-1)!.seq;
    await h.until('n2 to apply the order', async () =>
      (await applied('n2')) === next ? true : undefined,
    );

    // The election watch brings the leader's end: n2 takes over and acknowledges.
    await h.kill('n1');
    const after = await h.submitOk([limitOrder(2, 'sell', 60, 1)]);
    assert.ok(after.ok);
    assert.equal((await h.leader()).node, 'n2');
    assert.equal(after.results.at(-1)!.seq, next + 1);
  },
);
