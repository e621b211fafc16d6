// Grouped replies from a real engine node (`bourse cluster node` over a real three-member etcd and a
// real nats-server, on loopback): requests of one inbox that the leader answers in the same turn come
// back in one message, each with its own answer (valid and engine-rejected commands mixed); requests
// of earlier gateways (JSON, and binary without the grouped flag) are still answered alone, on their
// own reply subject, in their own form.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createInbox, type Msg } from '@nats-io/transport-node';
import type { CommandInput } from '@bourse/core';
import { CodecError } from '@bourse/engine';
import { limitOrder, marketSetup } from '../../core/test/fixtures/market-setup.ts';
import {
  decodeGroupedReplies,
  decodeMessage,
  decodeSubmitReply,
  encodeMessage,
  encodeSubmitRequest,
  GROUPED_REPLIES,
  SUBMIT_BINARY,
  type SubmitReply,
} from '../src/protocol.ts';
import { ClusterHarness } from './support/cluster-harness.ts';

const T = { timeout: 240_000 };
let h: ClusterHarness;

before(async () => {
  h = await ClusterHarness.start(['--lease-ttl=2']);
  await h.startNode('g1');
  const setup = await h.submitOk(marketSetup(4));
  assert.ok(setup.ok);
});

after(async () => {
  await h?.stop();
});

/** Each request's answer, by its number, and the messages they came in, from one inbox. */
async function sendGrouped(
  requests: readonly CommandInput[][],
): Promise<{ answers: Map<number, Uint8Array>; messages: number }> {
  const prefix = `${createInbox()}.`;
  const answers = new Map<number, Uint8Array>();
  let messages = 0;
  let done = () => {};
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const take = (id: number, body: Uint8Array) => {
    assert.ok(!answers.has(id), `request ${id} answered twice`);
    answers.set(id, body);
    if (answers.size === requests.length) done();
  };
  const sub = h.client.subscribe(`${prefix}*`, {
    callback: (error, msg: Msg) => {
      if (error !== null) return;
      messages++;
      if (msg.data[0] !== GROUPED_REPLIES) {
        take(Number(msg.subject.slice(prefix.length)), msg.data);
        return;
      }
      const parts = decodeGroupedReplies(msg.data);
      assert.ok(!(parts instanceof CodecError), String(parts));
      for (const part of parts) take(part.id, part.body);
    },
  });
  await h.client.flush();
  // Published in one go: one write, so the leader takes them in one turn and sequences them together.
  requests.forEach((inputs, i) => {
    const body = encodeSubmitRequest({ inputs, lean: true, timed: true, grouped: true });
    h.client.publish(h.subjects.submit, body, { reply: `${prefix}${i + 1}` });
  });
  const timeout = setTimeout(done, 60_000);
  await all;
  clearTimeout(timeout);
  sub.unsubscribe();
  return { answers, messages };
}

test(
  'requests one leader turn answers come back in one message, each with its own seqs',
  T,
  async () => {
    let grouped = false;
    let next = 4_000;
    // A bounded number of tries: which requests share a turn is the leader's affair, but requests
    // that arrive in one read are sequenced in one commit and answered in one turn.
    for (let round = 0; round < 20 && !grouped; round++) {
      const requests = [
        [limitOrder(1, 'buy', next++, 1), limitOrder(2, 'sell', 9_000, 1)],
        // An account that does not exist: the engine rejects it, and the command has a seq of its own.
        [limitOrder(999, 'buy', 1_000, 1)],
        [limitOrder(3, 'buy', next++, 2)],
        [{ type: 'deposit', accountId: 4, assetId: 1, amount: 5 }],
      ] as CommandInput[][];
      const { answers, messages } = await sendGrouped(requests);
      assert.equal(answers.size, requests.length, 'every request answered');
      const seqs: number[] = [];
      requests.forEach((inputs, i) => {
        const reply = decodeSubmitReply(answers.get(i + 1)!);
        assert.ok(!(reply instanceof CodecError) && reply.ok && 'seqs' in reply, String(reply));
        assert.equal(reply.seqs.length, inputs.length);
        assert.ok(Number.isSafeInteger(reply.heldUs), 'each part keeps its own hold');
        seqs.push(...reply.seqs);
      });
      assert.equal(new Set(seqs).size, seqs.length, 'no seq answered twice');
      const rejected = decodeSubmitReply(answers.get(2)!);
      assert.ok(!(rejected instanceof CodecError) && rejected.ok && 'seqs' in rejected);
      const replayed = await h.replay(rejected.seqs[0]!, rejected.seqs[0]!);
      assert.ok(replayed.ok);
      assert.equal(replayed.batch[0]?.events[0]?.type, 'rejected');
      assert.ok(messages <= requests.length);
      grouped = messages < requests.length;
    }
    assert.ok(grouped, 'at least one round came back in fewer messages than requests');
  },
);

test('requests of earlier gateways are answered alone, in their own form', T, async () => {
  // JSON, with the commands (a gateway before decision 0931).
  const json = decodeMessage<SubmitReply>(
    (
      await h.client.request(
        h.subjects.submit,
        encodeMessage({ inputs: [limitOrder(1, 'buy', 3_000, 1)] }),
        { timeout: 30_000 },
      )
    ).data,
  );
  assert.ok(json.ok && json.results.length === 1, JSON.stringify(json));
  // Binary and lean without the grouped flag (a gateway before grouped replies): a lean reply alone.
  const binary = await h.client.request(
    h.subjects.submit,
    encodeSubmitRequest({ inputs: [limitOrder(2, 'sell', 9_500, 1)], lean: true, timed: true }),
    { timeout: 30_000 },
  );
  assert.equal(binary.data[0], SUBMIT_BINARY);
  const lean = decodeSubmitReply(binary.data);
  assert.ok(!(lean instanceof CodecError) && lean.ok && 'seqs' in lean, String(lean));
  assert.equal(lean.seqs.length, 1);
  assert.equal(lean.seqs[0], json.results[0]!.seq + 1);
});
