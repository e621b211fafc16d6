// What the cluster fault test asserts after every round, against the running cluster: the engine nodes
// agree (same applied seq, same state hash at the same seq), the engine's invariants hold (money
// conserved, nothing negative, books uncrossed), every acknowledged order is in the read models exactly
// once with the acknowledged id and no client order id was executed twice, and the read models'
// balances equal the engine's.

import assert from 'node:assert/strict';
import { allPages } from '@bourse/projections';
import type { RemoteExchangeCore } from '@bourse/remote-core';
import type { StatusReply } from '@bourse/cluster/protocol';
import type { NatsConnection } from '@nats-io/transport-node';
import { nodeStatuses } from '../../src/cluster/cluster-status.ts';

export interface AckedOrder {
  readonly accountId: number;
  readonly clientOrderId: string;
  readonly orderId: number;
}

/** Waits (bounded) until every node is up, one leads, and all have applied the same seq. */
export async function settled(nats: NatsConnection, nodes: number): Promise<StatusReply[]> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const replies = await nodeStatuses(nats, 'bourse', 1_000).catch(() => []);
    const leaders = replies.filter((r) => r.role === 'leader');
    const seqs = new Set(replies.map((r) => r.appliedSeq));
    if (replies.length === nodes && leaders.length === 1 && seqs.size === 1) return replies;
    if (Date.now() > deadline) {
      throw new Error(`the cluster did not settle: ${JSON.stringify(replies)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function checkRound(
  label: string,
  core: RemoteExchangeCore,
  replies: readonly StatusReply[],
  acked: readonly AckedOrder[],
  accounts: readonly number[],
): Promise<void> {
  const hashes = new Set(replies.map((r) => `${r.hashSeq}:${r.stateHash}`));
  assert.equal(hashes.size, 1, `${label}: nodes disagree ${JSON.stringify(replies)}`);
  assert.deepEqual(await core.query.verify(), [], `${label}: engine invariants`);
  const head = replies[0]!.appliedSeq;
  // Bounded: a projector that stopped storing fails the round with its seq, not the suite's timeout.
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      core.readModels.waitFor(head),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${label}: read models behind seq ${head}`)),
          120_000,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  for (const accountId of accounts) {
    const rows = await allPages((cursor) =>
      core.readModels.orders({
        accountId,
        limit: 500,
        ...(cursor === undefined ? {} : { cursor }),
      }),
    );
    const byCid = new Map<string, number[]>();
    for (const r of rows) {
      if (r.clientOrderId === undefined) continue;
      byCid.set(r.clientOrderId, [...(byCid.get(r.clientOrderId) ?? []), r.orderId]);
    }
    for (const [cid, ids] of byCid) {
      assert.equal(ids.length, 1, `${label}: ${cid} executed ${ids.length} times`);
    }
    for (const a of acked.filter((x) => x.accountId === accountId)) {
      assert.deepEqual(
        byCid.get(a.clientOrderId),
        [a.orderId],
        `${label}: acked ${a.clientOrderId}`,
      );
    }
    const stored = await core.readModels.balances(accountId);
    const engine = await core.query.balances(accountId);
    for (const b of engine) {
      const s = stored.find((x) => x.assetId === b.assetId);
      assert.deepEqual(
        [s?.available, s?.reserved],
        [b.available, b.reserved],
        `${label}: read-model balance of account ${accountId}`,
      );
    }
  }
}
