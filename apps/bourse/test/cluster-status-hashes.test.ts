// `bourse cluster status` compares state hashes only at one seq and one state-hash version: during a
// rolling upgrade the nodes still on the older version report hashes of another kind, not a disagreement.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StatusReply } from '@bourse/cluster/protocol';
import { summarise } from '../src/cluster/cluster-status.ts';

const node = (name: string, stateHash: string, hashSeq = 10_000): StatusReply => ({
  node: name,
  role: name === 'a' ? 'leader' : 'standby',
  pid: 1,
  term: 3,
  appliedSeq: 12_345,
  stateHash,
  hashSeq,
  metrics: [],
});

const agrees = (replies: StatusReply[]) =>
  summarise('nats://127.0.0.1:1', replies, []).nodes.map((n) => n.hashAgrees);

test('hashes of two versions at one seq are not a disagreement; two of one version are', () => {
  const v2 = `2:${'ab'.repeat(16)}`;
  assert.deepEqual(agrees([node('a', v2), node('b', v2), node('c', '0123456789abcdef')]), [
    true,
    true,
    true,
  ]);
  assert.deepEqual(agrees([node('a', v2), node('b', `2:${'cd'.repeat(16)}`), node('c', v2)]), [
    false,
    false,
    false,
  ]);
  assert.deepEqual(agrees([node('a', '0123456789abcdef'), node('b', 'fedcba9876543210')]), [
    false,
    false,
  ]);
});
