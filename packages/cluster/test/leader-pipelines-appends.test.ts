// A leader core with two fenced appends in flight (decision 0935), against real etcd on loopback: a
// batch whose append reaches etcd before its predecessor's is sent again and acknowledged after it;
// the local journal receives the batches in log order, each only after its append succeeded; a
// failed append fails the batch behind it, and neither reaches the local journal.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openExchangeCore, type ReplicatingCore } from '@bourse/core';
import type { FileJournal } from '@bourse/journal';
import type { Etcd3 } from 'etcd3';
import { limitOrder, marketSetup } from '../../core/test/fixtures/market-setup.ts';
import { type ClusterMetrics, createClusterMetrics } from '../src/cluster-metrics.ts';
import { Election, type Leadership } from '../src/election.ts';
import { FencedLog } from '../src/fenced-log.ts';
import { type LocalJournal, ReplicatedJournal } from '../src/replicated-journal.ts';
import { ClusterServers } from './support/cluster-servers.ts';

const T = { timeout: 180_000 };
let s: ClusterServers;

before(async () => {
  s = await ClusterServers.start('pipelined-leader', { nats: false });
});

after(async () => {
  await s?.stop();
});

/**
 * The client with the `held`-th transaction held until `open` (its number is told to `sent`), and
 * each transaction's return told to `returned`.
 */
function holding(
  real: Etcd3,
  held: number,
  hooks: { sent: () => void; open: Promise<void>; returned: (n: number) => void },
): Etcd3 {
  let calls = 0;
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'if') {
        return (...args: Parameters<Etcd3['if']>) => {
          const builder = target.if(...args);
          const commit = builder.commit.bind(builder);
          const n = calls++;
          builder.commit = async () => {
            if (n === held) {
              hooks.sent();
              await hooks.open;
            }
            try {
              return await commit();
            } finally {
              hooks.returned(n);
            }
          };
          return builder;
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The file journal, each seq it receives recorded. */
function recording(local: FileJournal, appended: number[]): LocalJournal {
  return {
    append: (seq, payload) => {
      appended.push(seq);
      local.append(seq, payload);
    },
    commit: () => local.commit(),
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

interface Leader {
  readonly core: ReplicatingCore;
  readonly journal: ReplicatedJournal;
  readonly metrics: ClusterMetrics;
  readonly leadership: Leadership;
  /** Seqs in the order the local journal received them. */
  readonly appended: number[];
}

/** A leader core on `prefix` whose log client is `etcd`, keeping two appends in flight. */
async function leader(name: string, prefix: string, etcdClient: Etcd3): Promise<Leader> {
  const log = new FencedLog(etcdClient, prefix);
  const plain = new FencedLog(s.client, prefix);
  const metrics = createClusterMetrics();
  const appended: number[] = [];
  let journal!: ReplicatedJournal;
  const core = await openExchangeCore({
    dataDir: join(s.dir, name),
    readModels: false,
    ticking: false,
    durability: (file) => {
      journal = new ReplicatedJournal(recording(file, appended), log, metrics, undefined, 2);
      return journal;
    },
  });
  const leadership = await new Election(s.client, name, { prefix }).campaign();
  const { electionKey, electionCreateRevision } = leadership;
  // The term starts through the undelayed client: the transactions counted are the appends.
  const fence = await plain.takeOver(await plain.head(), name, electionKey, electionCreateRevision);
  journal.lead(fence, leadership);
  return { core, journal, metrics, leadership, appended };
}

test(
  'a batch whose append overtakes its predecessor is sent again, acked after it',
  T,
  async () => {
    let sent!: () => void;
    const firstSent = new Promise<void>((r) => {
      sent = r;
    });
    let open!: () => void;
    const opened = new Promise<void>((r) => {
      open = r;
    });
    // Transaction 0: the market setup; 1: the first order's batch, held until transaction 2 (the
    // second order's first try) came back refused; 3: the second order's next try.
    const etcdClient = holding(s.client, 1, {
      sent,
      open: opened,
      returned: (n) => {
        if (n === 2) open();
      },
    });
    const a = await leader('a', '/pipe1', etcdClient);
    try {
      const setup = await a.core.submitBatch(marketSetup(2));
      const first = a.core.submitBatch([limitOrder(1, 'buy', 4_000, 1)]);
      await firstSent;
      const second = a.core.submitBatch([limitOrder(2, 'sell', 6_000, 1)]);
      const acked: number[] = [];
      await Promise.all([
        first.then((x) => acked.push(x[0]!.seq)),
        second.then((x) => acked.push(x[0]!.seq)),
      ]);
      const last = setup.length + 2;
      assert.deepEqual(acked, [last - 1, last]);
      assert.equal(a.metrics.resentAppends, 1);
      assert.ok(a.metrics.overlappedAppends >= 1);
      assert.equal(a.metrics.fencedAppends, 0);
      assert.deepEqual(
        a.appended,
        Array.from({ length: last }, (_, i) => i + 1),
      );
      assert.equal((await new FencedLog(s.client, '/pipe1').head()).seq, last);
      await a.journal.stored(last);
    } finally {
      await a.core.close();
      await a.leadership.resign().catch(() => {});
    }
  },
);

test(
  'a failed append fails the batch behind it; neither reaches the local journal',
  T,
  async () => {
    let sent!: () => void;
    const firstSent = new Promise<void>((r) => {
      sent = r;
    });
    let open!: () => void;
    const opened = new Promise<void>((r) => {
      open = r;
    });
    let secondBack!: () => void;
    const secondReturned = new Promise<void>((r) => {
      secondBack = r;
    });
    const etcdClient = holding(s.client, 1, {
      sent,
      open: opened,
      returned: (n) => {
        if (n === 2) secondBack();
      },
    });
    const a = await leader('b', '/pipe2', etcdClient);
    try {
      const setup = await a.core.submitBatch(marketSetup(2));
      const first = a.core.submitBatch([limitOrder(1, 'buy', 4_000, 1)]);
      await firstSent;
      const second = a.core.submitBatch([limitOrder(2, 'sell', 6_000, 1)]);
      await secondReturned;
      // The leader loses its election key while its first order's append is held: that append is
      // refused, and the second order's, already sent and waiting for it, fails with it.
      await a.leadership.resign();
      open();
      const results = await Promise.allSettled([first, second]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['rejected', 'rejected'],
      );
      assert.deepEqual(
        a.appended,
        Array.from({ length: setup.length }, (_, i) => i + 1),
      );
      assert.equal((await new FencedLog(s.client, '/pipe2').head()).seq, setup.length);
    } finally {
      await a.core.close().catch(() => {});
    }
  },
);
