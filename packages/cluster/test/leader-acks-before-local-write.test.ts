// A leader acknowledges a batch once its fenced append to the etcd log succeeded, before its own
// journal holds it (docs/cluster.md, "The acknowledgement"). Here the leader's local writes are held
// back: its commands are acknowledged with nothing of them on its disk; the leader then dies with its
// disk as it was (copied at that moment, as a kill -9 leaves it), and the next leader has every
// acknowledged command; the dead leader's directory, whose journal trails the log, restarts as a node
// that fetches the rest from the log and agrees with the leader; the first leader's snapshot waits for
// its journal. Real etcd and nats-server on loopback.

import assert from 'node:assert/strict';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type AppliedCommand, openExchangeCore, type ReplicatingCore } from '@bourse/core';
import type { FileJournal } from '@bourse/journal';
import { limitOrder, marketSetup } from '../../core/test/fixtures/market-setup.ts';
import { createClusterMetrics } from '../src/cluster-metrics.ts';
import { Election } from '../src/election.ts';
import { EngineNode } from '../src/engine-node.ts';
import { FencedLog } from '../src/fenced-log.ts';
import { type LocalJournal, ReplicatedJournal } from '../src/replicated-journal.ts';
import { ClusterServers } from './support/cluster-servers.ts';

const T = { timeout: 180_000 };
let s: ClusterServers;

before(async () => {
  s = await ClusterServers.start('ack-before-local');
});

after(async () => {
  await s?.stop();
});

/** The file journal with its writes held until `released`: appends still go to it in memory. */
function heldBack(local: FileJournal, released: Promise<void>): LocalJournal {
  return {
    append: (seq, payload) => local.append(seq, payload),
    commit: () => released.then(() => local.commit()),
    close: () => local.close(),
    read: (fromSeq) => local.read(fromSeq),
    get lastSeq() {
      return local.lastSeq;
    },
    get durableSeq() {
      return local.durableSeq;
    },
  };
}

async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + 120_000;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startNode(node: string, dataDir: string): Promise<EngineNode> {
  return EngineNode.start({
    node,
    etcd: s.etcd.endpoints,
    nats: s.nats.url,
    dataDir,
    leaseTtlSeconds: 2,
    hashEvery: 5,
  });
}

interface HeldLeader {
  readonly core: ReplicatingCore;
  readonly journal: ReplicatedJournal;
  /** The file journal under it, whose writes are held. */
  readonly local: FileJournal;
  readonly dataDir: string;
  readonly resign: () => Promise<void>;
  readonly release: () => void;
}

/** A core leading the log (term started, fence held) whose local journal writes wait for release. */
async function heldLeader(log: FencedLog, dataDir: string): Promise<HeldLeader> {
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  let local!: FileJournal;
  let journal!: ReplicatedJournal;
  const core = await openExchangeCore({
    dataDir,
    readModels: false,
    ticking: false,
    snapshotEvery: 5,
    durability: (file) => {
      local = file;
      journal = new ReplicatedJournal(heldBack(file, released), log, createClusterMetrics());
      return journal;
    },
  });
  const leadership = await new Election(s.client, 'a', { prefix: '/bourse' }).campaign();
  const head = await log.head();
  const { electionKey, electionCreateRevision } = leadership;
  journal.lead(await log.takeOver(head, 'a', electionKey, electionCreateRevision), leadership);
  return { core, journal, local, dataDir, resign: () => leadership.resign(), release };
}

/**
 * The market set up, then resting orders that do not cross (each stays findable by its order id), in
 * one batch.
 */
async function trade(core: ReplicatingCore): Promise<AppliedCommand[]> {
  const orders = [];
  for (let i = 0; i < 5; i++) {
    orders.push(
      limitOrder(1, 'buy', 4_000 + i * 100, 1),
      limitOrder(2, 'sell', 6_000 + i * 100, 1),
    );
  }
  const acked = await core.submitBatch([...marketSetup(2), ...orders]);
  assert.ok(acked.every((a) => a.events[0]?.type !== 'rejected'));
  return acked;
}

/** The leader dies now: its directory as the disk holds it (a dead process holds no lock). */
function crashCopy(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
  rmSync(join(to, 'journal', 'journal.lock'), { force: true });
}

test('acknowledged before the leader journals it; its death loses nothing', T, async () => {
  const log = new FencedLog(s.client, '/bourse');
  const a = await heldLeader(log, join(s.dir, 'a'));
  const nodes: EngineNode[] = [];
  try {
    const acked = await trade(a.core);
    const last = acked.at(-1)!.seq;
    // Every command acknowledged and in the log; none of them on the leader's disk.
    assert.equal((await log.head()).seq, last);
    assert.equal(a.local.durableSeq, 0);
    assert.equal(a.local.lastSeq, last);
    // A snapshot is stored only once the local journal reaches it (a restart continues from both).
    assert.deepEqual(readdirSync(join(a.dataDir, 'snapshots')), []);
    let stored = false;
    const storedAll = a.journal.stored(last).then(() => {
      stored = true;
    });
    const crashed = join(s.dir, 'a-crashed');
    crashCopy(a.dataDir, crashed);
    await a.resign();

    const b = await startNode('b', join(s.dir, 'b'));
    nodes.push(b);
    await until('b to lead', async () => (b.role === 'leader' ? true : undefined));
    assert.equal(b.core.durableSeq, last);
    assert.deepEqual(await b.core.query.stateHash(), await a.core.query.stateHash());
    for (const x of acked) {
      if (x.command.type !== 'placeOrder') continue;
      assert.ok(await b.core.query.order(x.seq), `order ${x.seq} on the new leader`);
    }

    // The dead leader's directory: its journal trails the log; it catches up from the log.
    const a2 = await startNode('a', crashed);
    nodes.push(a2);
    assert.equal(a2.role, 'standby');
    await until('the restarted node to reach the leader', async () =>
      a2.core.durableSeq === b.core.durableSeq ? true : undefined,
    );
    assert.deepEqual(await a2.core.query.stateHash(), await b.core.query.stateHash());
    const status = await a2.status();
    assert.deepEqual(status.alarm, undefined);
    // Its core's stages and its thread's delay are in its metrics, as every node's are.
    const families = new Set((status.metrics ?? []).map((m) => m.name));
    assert.ok(families.has('bourse_cluster_ack_stage_seconds'));
    assert.ok(families.has('bourse_cluster_event_loop_delay_seconds'));

    // Held back, the first leader's own write was still pending; released, it lands.
    assert.equal(stored, false);
    a.release();
    await storedAll;
    assert.ok(a.local.durableSeq >= last);
    await until('a snapshot once the journal holds it', async () =>
      readdirSync(join(a.dataDir, 'snapshots')).some((f) => f.endsWith('.snap')) ? true : undefined,
    );
  } finally {
    a.release();
    await a.core.close();
    for (const n of nodes) await n.close();
  }
});
