// A cluster upgraded with batches in its etcd log written in JSON (log format 1, every version before
// the binary log): new nodes follow those batches, one of them leads and appends binary batches after
// them, every node agrees on state hashes, and the nodes' journals match record for record.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CommandInput } from '@bourse/core';
import type { Command } from '@bourse/engine';
import { FileJournal } from '@bourse/journal';
import { limitOrder, marketSetup } from '../../core/test/fixtures/market-setup.ts';
import { FencedLog } from '../src/fenced-log.ts';
import { LOG_FORMAT_BINARY } from '../src/log-format.ts';
import { ClusterHarness } from './support/cluster-harness.ts';
import { TradeLog } from './support/trade-log.ts';

const HASH_EVERY = 10;
const T = { timeout: 240_000 };
let h: ClusterHarness;

before(async () => {
  h = await ClusterHarness.start([`--hash-every=${HASH_EVERY}`, '--lease-ttl=2']);
});

after(async () => {
  await h?.stop();
});

/** Writes `inputs` as the previous version's leader `old` did in term 1: JSON batches of 4. */
async function writeJsonLog(inputs: readonly CommandInput[]): Promise<number> {
  const client = h.etcd.client();
  try {
    const log = new FencedLog(client, '/bourse');
    // Stamped as the sequencer stamps them: seq, ts, and a new order's id.
    const commands = inputs.map((c, i) => {
      const stamp = { seq: i + 1, ts: 1_800_000_000_000 + i };
      return (
        c.type === 'placeOrder' ? { ...c, ...stamp, orderId: i + 1 } : { ...c, ...stamp }
      ) as Command;
    });
    await client
      .put(`${log.termPrefix}${'1'.padStart(16, '0')}`)
      .value(JSON.stringify({ term: 1, leader: 'old', fromSeq: 1 }));
    for (let i = 0; i < commands.length; i += 4) {
      const batch = commands.slice(i, i + 4);
      const [fromSeq, toSeq] = [batch[0]!.seq, batch.at(-1)!.seq];
      await client
        .put(log.batchKey(fromSeq))
        .value(JSON.stringify({ term: 1, fromSeq, toSeq, commands: batch }));
      await client.put(log.headKey).value(JSON.stringify({ seq: toSeq, term: 1, leader: 'old' }));
    }
    return commands.length;
  } finally {
    client.close();
  }
}

async function journalHex(node: string): Promise<string[]> {
  const { journal } = await FileJournal.open(`${h.dir}/${node}/journal`);
  try {
    return [...journal.read()].map((r) => Buffer.from(r.payload).toString('hex'));
  } finally {
    await journal.close();
  }
}

test('nodes follow a log written in JSON, then append binary batches after it', T, async () => {
  const setup = [
    ...marketSetup(4),
    limitOrder(1, 'buy', 4_000, 1),
    limitOrder(2, 'sell', 4_000, 1),
  ];
  const written = await writeJsonLog(setup);
  await Promise.all(['n1', 'n2'].map((id) => h.startNode(id)));
  const trades = new TradeLog(h, HASH_EVERY, 4);
  const first = await h.submitOk([limitOrder(3, 'buy', 4_100, 1)]);
  assert.ok(first.ok);
  assert.equal(first.results[0]!.seq, written + 1);
  trades.record(first.results);
  await trades.trade(25);
  await trades.converged(trades.lastSeq, 2);
  await trades.noAcknowledgedCommandLost();
  await trades.termsInOrder();

  const batches = await h.logBatches();
  // The JSON batches were applied as they were: the two orders of the setup traded.
  const fills = await h.replay(written, written);
  assert.ok(fills.ok);
  const events = fills.batch[0]!.events;
  assert.ok(
    events.some((e) => e.type === 'fill'),
    JSON.stringify(events),
  );
  const client = h.etcd.client();
  try {
    const raw = await client.get(new FencedLog(client, '/bourse').batchKey(written + 1)).buffer();
    assert.equal(raw?.[0], LOG_FORMAT_BINARY, 'the new leader appends binary batches');
  } finally {
    client.close();
  }
  assert.equal(batches.at(-1)!.toSeq, trades.lastSeq);

  // Both nodes' journals hold the same bytes for every seq (the log's records, copied as they are).
  await Promise.all(['n1', 'n2'].map((id) => h.kill(id, 'SIGTERM')));
  const [a, b] = await Promise.all([journalHex('n1'), journalHex('n2')]);
  assert.equal(a.length, trades.lastSeq);
  assert.deepEqual(a, b);
});
