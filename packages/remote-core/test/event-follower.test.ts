// The event follower's idle poll against a real nats-server and the one-node test leader: a thread
// that was busy for longer than the poll's interval while events kept arriving finds those events
// waiting in its socket, and must read them before deciding the bus went quiet. A replay it sends
// instead asks the leader for up to 4,096 commands as JSON that are already in hand.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { NatsConnection } from '@nats-io/transport-node';
import type { AppliedCommand } from '@bourse/core';
import { clusterSubjects, encodeEventsMessage } from '@bourse/cluster/protocol';
import { limitOrder, marketSetup } from '../../core/test/fixtures/market-setup.ts';
import { EventFollower } from '../src/index.ts';
import { OneNodeCluster } from './support/one-node-cluster.ts';

/** Publishes `data` on `subject` every `everyMs` from its own thread until told to stop. */
const PUBLISHER = `
const { parentPort, workerData } = require('node:worker_threads');
const { connect } = require('@nats-io/transport-node');
(async () => {
  const nc = await connect({ servers: workerData.url });
  const timer = setInterval(() => nc.publish(workerData.subject, workerData.data), workerData.everyMs);
  parentPort.on('message', async () => {
    clearInterval(timer);
    await nc.close();
    parentPort.postMessage('stopped');
  });
  parentPort.postMessage('publishing');
})();
`;

describe('event follower', { timeout: 120_000 }, () => {
  let cluster: OneNodeCluster;
  let conn: NatsConnection;

  before(async () => {
    cluster = await OneNodeCluster.start();
    conn = await cluster.connect();
  });

  after(async () => {
    await cluster?.stop();
  });

  it('a thread busy past the idle interval reads the waiting events before it polls', async () => {
    const leader = cluster.leader;
    await leader.core.submitBatch(marketSetup(2));
    const last = await leader.core.submit(limitOrder(1, 'sell', 6_000, 1));
    const seen: AppliedCommand[] = [];
    const follower = new EventFollower({
      nats: conn,
      subjects: clusterSubjects(),
      afterSeq: last.seq,
      deliver: (batch) => seen.push(...batch),
      idlePollMs: 1_000,
    });
    // A busy bus: the last batch again every 20 ms (already delivered, so only its arrival counts).
    const data = encodeEventsMessage({
      term: 1,
      fromSeq: last.seq,
      toSeq: last.seq,
      batch: [last],
    });
    const worker = new Worker(PUBLISHER, {
      eval: true,
      workerData: { url: cluster.nats.url, subject: clusterSubjects().events, data, everyMs: 20 },
    });
    try {
      await new Promise((resolve) => worker.once('message', resolve));
      while (follower.term !== 1) await sleep(20);
      await sleep(300);
      const replays = leader.replayRequests;
      // Busy for two and a half intervals (a long batch, a collection) while the events keep
      // arriving in the socket. In the loop's check phase: the next things it runs are its due
      // timers, and only then does it read its sockets.
      await new Promise<void>((resolve) => {
        setImmediate(() => {
          const until = performance.now() + 2_500;
          while (performance.now() < until) {
            // The thread works; the worker publishes.
          }
          resolve();
        });
      });
      // Time for a replay sent after the block to reach the leader.
      await sleep(500);
      assert.equal(leader.replayRequests - replays, 0, 'no replay while events were arriving');
      assert.equal(follower.deliveredSeq, last.seq);
      assert.deepEqual(seen, []);
    } finally {
      worker.postMessage('stop');
      await new Promise((resolve) => worker.once('message', resolve));
      await worker.terminate();
      await follower.close();
    }
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
