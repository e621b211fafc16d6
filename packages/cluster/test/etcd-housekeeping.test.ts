// A node's once-a-second housekeeping reads etcd's size and alarms from the member's status, which
// writes nothing: an idle cluster adds no entry to etcd's Raft log and no WAL fsync to the disk the
// acknowledgements' quorum fsync waits on (an alarm `Get` is a Raft request in etcd). A NOSPACE alarm
// still shows in the node's metrics while it is raised. Real etcd and nats-server on loopback.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EngineNode } from '../src/engine-node.ts';
import { noSpaceAlarm } from '../src/node-housekeeping.ts';
import { ClusterServers } from './support/cluster-servers.ts';

const T = { timeout: 180_000 };
/** etcd's AlarmType NOSPACE. */
const NOSPACE = 1;
let s: ClusterServers;

before(async () => {
  s = await ClusterServers.start('housekeeping');
});

after(async () => {
  await s?.stop();
});

async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + 120_000;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** WAL fsyncs of all members so far, from their own metrics. */
const walFsyncs = () => s.etcdMetricSum(/^etcd_disk_wal_fsync_duration_seconds_count (\d+)$/gm);

test('the status errors name a NOSPACE alarm', () => {
  assert.equal(noSpaceAlarm(['memberID:11287001930400437804 alarm:NOSPACE ']), true);
  assert.equal(noSpaceAlarm(['memberID:11287001930400437804 alarm:CORRUPT ']), false);
  assert.equal(noSpaceAlarm(['etcdserver: no leader']), false);
  assert.equal(noSpaceAlarm(undefined), false);
});

test('housekeeping writes nothing to etcd; a NOSPACE alarm reaches the metrics', T, async () => {
  const node = await EngineNode.start({
    node: 'a',
    etcd: s.etcd.endpoints,
    nats: s.nats.url,
    dataDir: join(s.dir, 'a'),
    leaseTtlSeconds: 2,
  });
  try {
    await until('a to lead', async () => (node.role === 'leader' ? true : undefined));
    // Idle: a housekeeping round (every 5 s), and not one entry in the Raft log.
    const before = await walFsyncs();
    assert.ok(before > 0, 'the members report their WAL fsyncs');
    const rounds = node.metrics.etcdDbSizeBytes;
    await new Promise((r) => setTimeout(r, 5_500));
    assert.ok(rounds > 0, 'housekeeping read the status');
    assert.equal(await walFsyncs(), before, 'no WAL fsync while the cluster is idle');

    const { header } = await s.client.maintenance.status();
    const alarm = { memberID: header.member_id, alarm: NOSPACE } as never;
    await s.client.maintenance.alarm({ ...(alarm as object), action: 'Activate' } as never);
    await until('the alarm in the metrics', async () =>
      node.metrics.etcdNoSpaceAlarm === 1 ? true : undefined,
    );
    await s.client.maintenance.alarm({ ...(alarm as object), action: 'Deactivate' } as never);
    await until('the alarm cleared', async () =>
      node.metrics.etcdNoSpaceAlarm === 0 ? true : undefined,
    );
  } finally {
    await node.close();
  }
});
