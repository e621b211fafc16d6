// A node's own journal is written behind the etcd log, grouped (decision 0942): here nodes run with
// an interval so long that nothing reaches their journals but what a snapshot forces, and the log is
// trimmed behind snapshots. Killed with SIGKILL while their journals trail what they applied, a
// standby and then the whole cluster restart from their directories, fetch the rest from the log (or
// a peer's journal, behind the trimmed log) and agree on the state hash; no acknowledged command is
// lost. Real `bourse cluster node` processes, etcd and nats-server on loopback.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readJournal } from '@bourse/journal';
import { marketSetup } from '../../core/test/fixtures/market-setup.ts';
import { ClusterHarness } from './support/cluster-harness.ts';
import { TradeLog } from './support/trade-log.ts';

const HASH_EVERY = 10;
const T = { timeout: 300_000 };
const NODES = ['n1', 'n2', 'n3'];
let h: ClusterHarness;
let log: TradeLog;

before(async () => {
  h = await ClusterHarness.start([
    `--hash-every=${HASH_EVERY}`,
    '--lease-ttl=2',
    '--snapshot-every=40',
    '--log-retain=15',
    // An hour: within the test only a snapshot (which waits for the journal) writes it.
    '--journal-sync-ms=3600000',
  ]);
  log = new TradeLog(h, HASH_EVERY, 4);
  for (const id of NODES) await h.startNode(id);
});

after(async () => {
  await h?.stop();
});

/** The last seq a node's journal holds on disk (what a restart finds after a kill -9). */
function onDisk(id: string): number {
  let last = 0;
  for (const r of readJournal(join(h.dir, id, 'journal'))) last = r.seq;
  return last;
}

test('a standby killed with its journal unsynced restarts and catches up', T, async () => {
  const setup = await h.submitOk(marketSetup(4));
  assert.ok(setup.ok);
  log.record(setup.results);
  await log.trade(55);
  const last = log.lastSeq;
  await log.converged(last);
  const leader = await h.leader();
  const standby = NODES.find((id) => id !== leader.node)!;
  await h.kill(standby, 'SIGKILL');
  // It had applied everything; its journal holds only up to its last snapshot's seq.
  assert.ok(onDisk(standby) < last, `journal on disk ${onDisk(standby)} trails ${last}`);
  await log.trade(30);
  await h.startNode(standby);
  await log.trade(10);
  await log.converged(log.lastSeq);
  await log.noAcknowledgedCommandLost();
});

test(
  'the whole cluster killed with unsynced journals loses no acknowledged command',
  T,
  async () => {
    await log.trade(45);
    const last = log.lastSeq;
    await log.converged(last);
    for (const id of NODES) await h.kill(id, 'SIGKILL');
    const kept = NODES.map(onDisk);
    assert.ok(
      kept.every((seq) => seq < last),
      `journals on disk ${kept.join(', ')} all trail ${last}`,
    );
    for (const id of NODES) await h.startNode(id);
    await log.converged(last);
    await log.trade(10);
    await log.converged(log.lastSeq);
    await log.noAcknowledgedCommandLost();
    // Every acknowledged command is still applied: the leader replays the last ones as acknowledged.
    const replay = await h.replay(last - 4, last);
    assert.ok(replay.ok);
    for (const a of replay.batch) assert.deepEqual(a, log.acknowledged.get(a.seq));
  },
);
