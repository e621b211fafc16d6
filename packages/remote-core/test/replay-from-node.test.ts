// Replays from a real engine node (`bourse cluster node` over a real three-member etcd and a real
// nats-server, on loopback): a replay answer travels in the events codec and holds exactly what the
// live `events` stream carried; an event follower that missed commands gets exactly them back,
// across several replay answers; a request of an earlier gateway (no `binary` flag) is still
// answered in JSON, with the same commands.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Subscription } from '@nats-io/transport-node';
import type { AppliedCommand, CommandInput } from '@bourse/core';
import { CodecError } from '@bourse/engine';
import {
  decodeEventsMessage,
  decodeMessage,
  decodeReplayReply,
  encodeMessage,
  MAX_COMMANDS_PER_MESSAGE,
  type ReplayReply,
} from '@bourse/cluster/protocol';
import { ClusterHarness } from '../../cluster/test/support/cluster-harness.ts';
import { limitOrder, marketSetup } from '../../core/test/fixtures/market-setup.ts';
import { EventFollower } from '../src/index.ts';

const T = { timeout: 240_000 };
let h: ClusterHarness;
let live: Subscription;
/** Every command the live `events` stream carried, by seq, as a gateway decodes it. */
const fed = new Map<number, AppliedCommand>();

before(async () => {
  h = await ClusterHarness.start(['--lease-ttl=2']);
  live = h.client.subscribe(h.subjects.events, {
    callback: (error, msg) => {
      if (error !== null) return;
      const m = decodeEventsMessage(msg.data);
      assert.ok(!(m instanceof CodecError), 'a live message decodes');
      for (const applied of m.batch) fed.set(applied.seq, applied);
    },
  });
  await h.startNode('r1');
  await h.submitOk(marketSetup(4));
});

after(async () => {
  live?.unsubscribe();
  await h?.stop();
});

/** `count` orders that cross, so their events hold fills as well as acceptances; the last seq. */
async function trade(count: number): Promise<number> {
  let last = 0;
  for (let sent = 0; sent < count; sent += 200) {
    const inputs: CommandInput[] = [];
    for (let i = sent; i < Math.min(count, sent + 200); i++) {
      inputs.push(limitOrder(1 + (i % 4), i % 2 === 0 ? 'buy' : 'sell', 5_000 + (i % 3) * 10, 1));
    }
    const reply = await h.submitOk(inputs);
    assert.ok(reply.ok);
    last = reply.results.at(-1)!.seq;
  }
  await h.until('the live feed', async () => (fed.has(last) ? true : undefined));
  return last;
}

async function ask(fromSeq: number, toSeq: number, binary: boolean): Promise<Uint8Array> {
  const request = binary ? { fromSeq, toSeq, binary } : { fromSeq, toSeq };
  const msg = await h.client.request(h.subjects.replay, encodeMessage(request), {
    timeout: 10_000,
  });
  return msg.data;
}

test('a replay answer is binary and holds what the live feed carried', T, async () => {
  const last = await trade(300);
  const from = last - 299;
  let next = from;
  while (next <= last) {
    const data = await ask(next, last, true);
    assert.equal(data[0], 0x02, 'the events codec, not JSON');
    const reply = decodeReplayReply(data);
    assert.ok(!(reply instanceof CodecError) && reply.ok);
    assert.ok(reply.batch.length > 0 && reply.batch.length <= MAX_COMMANDS_PER_MESSAGE);
    for (const applied of reply.batch) {
      assert.equal(applied.seq, next++);
      assert.deepEqual(applied, fed.get(applied.seq));
    }
  }
  assert.ok(
    [...fed.values()].some((a) => a.seq >= from && a.events.some((e) => e.type === 'fill')),
    'the range holds trades',
  );
});

test('an earlier gateway asking without the flag gets the same commands in JSON', T, async () => {
  const last = await trade(20);
  const binary = decodeReplayReply(await ask(last - 19, last, true));
  const data = await ask(last - 19, last, false);
  assert.equal(data[0], '{'.charCodeAt(0));
  const json = decodeMessage<ReplayReply>(data);
  assert.ok(json.ok && !(binary instanceof CodecError) && binary.ok);
  assert.equal(json.batch.length, 20);
  assert.deepEqual(json.batch, JSON.parse(JSON.stringify(binary.batch)));
  assert.ok(data.length > 3 * (await ask(last - 19, last, true)).length, 'JSON is the larger form');
});

test('a follower that missed commands recovers exactly them, in order, once each', T, async () => {
  const before = await trade(1);
  const missed = 700;
  const last = await trade(missed);
  const got: AppliedCommand[] = [];
  const follower = new EventFollower({
    nats: h.client,
    subjects: h.subjects,
    afterSeq: before,
    deliver: (batch) => got.push(...batch),
  });
  try {
    follower.noteHead(last);
    await h.until('the follower', async () => (follower.deliveredSeq >= last ? true : undefined));
    assert.equal(follower.replayedCommands, missed);
    assert.deepEqual(
      got.map((a) => a.seq),
      Array.from({ length: missed }, (_, i) => before + 1 + i),
    );
    for (const applied of got) assert.deepEqual(applied, fed.get(applied.seq));
  } finally {
    await follower.close();
  }
});
