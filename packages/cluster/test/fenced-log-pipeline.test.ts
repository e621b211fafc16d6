// Several fenced appends in flight against a real three-member etcd cluster on loopback: they land
// gap-free and in order, one that reaches etcd before its predecessor is sent again (not fenced), a
// failed append fails every later one in flight, and an old and a new leader both pipelining never
// both append.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Etcd3 } from 'etcd3';
import { type Command, encodeCommand } from '@bourse/engine';
import { Election } from '../src/election.ts';
import { EtcdCluster } from '../src/etcd-members.ts';
import { type Fence, FencedError, FencedLog } from '../src/fenced-log.ts';

let cluster: EtcdCluster;
let client: Etcd3;

before(async () => {
  cluster = await EtcdCluster.start();
  client = cluster.client();
});

after(async () => {
  client?.close();
  await cluster?.stop();
});

/** Generous: etcd on a shared 2-core machine can be slow; nothing here waits on a timer but leases. */
const T = { timeout: 120_000 };
/** A command whose bytes say which writer sent it (`ts`). */
const cmd = (seq: number, writer = 1) =>
  encodeCommand({ type: 'tick', seq, ts: writer } satisfies Command);
const far = () => Date.now() + 30_000;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * The client with chosen transactions held back (the n-th `if(...).commit()` is sent once `hold(n)`
 * resolves; `done(n)` once it returned): how a unary call reaches etcd after a later one, as it may
 * over two connections.
 */
function delaying(
  real: Etcd3,
  hold: (n: number) => Promise<void>,
  done: (n: number) => void = () => {},
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
            await hold(n);
            try {
              return await commit();
            } finally {
              done(n);
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

function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/** Every batch's records in the log, by seq, checking the batches are contiguous from 1. */
async function logRecords(log: FencedLog): Promise<string[]> {
  const { batches } = await log.read(1, 100_000);
  const out: string[] = [];
  for (const b of batches) {
    assert.equal(b.fromSeq, out.length + 1, 'the log has no gap');
    out.push(...b.records.map(hex));
  }
  return out;
}

test('appends in flight land gap-free, in order, and resolve in order', T, async () => {
  const log = new FencedLog(client, '/p1');
  const a = await new Election(client, 'a', { prefix: '/p1' }).campaign();
  const fence = await log.takeOver(await log.head(), 'a', a.electionKey, a.electionCreateRevision);
  const resolved: number[] = [];
  const sent: Promise<void>[] = [];
  const expected: string[] = [];
  // 120 appends of 1-3 commands, up to 4 in flight at once.
  for (let i = 0; i < 120; i++) {
    const n = (i % 3) + 1;
    const records = Array.from({ length: n }, (_, j) => cmd(fence.seq + 1 + j));
    expected.push(...records.map(hex));
    const toSeq = fence.seq + n;
    sent.push(log.append(fence, records, far()).then(() => void resolved.push(toSeq)));
    if (sent.length >= 4) await sent[sent.length - 4];
  }
  await Promise.all(sent);
  assert.deepEqual(
    resolved,
    [...resolved].sort((x, y) => x - y),
  );
  assert.equal(resolved.at(-1), expected.length);
  assert.deepEqual(await logRecords(log), expected);
  const head = await log.head();
  assert.deepEqual([head.seq, head.term, head.leader], [expected.length, 1, 'a']);
  await a.resign();
});

test(
  'an append that reaches etcd before its predecessor is sent again, not fenced',
  T,
  async () => {
    const first = gate();
    // Call 0 is the first append (held until call 1, the second append's first try, came back
    // refused: its predecessor was not there); call 2 is the second append's next try.
    const log = new FencedLog(
      delaying(
        client,
        (n) => (n === 0 ? first.wait : Promise.resolve()),
        (n) => {
          if (n === 1) first.open();
        },
      ),
      '/p2',
    );
    const a = await new Election(client, 'a', { prefix: '/p2' }).campaign();
    // The term starts through an undelayed log: the calls counted are the appends'.
    const plain = new FencedLog(client, '/p2');
    const fence = await plain.takeOver(
      await plain.head(),
      'a',
      a.electionKey,
      a.electionCreateRevision,
    );
    const one = log.append(fence, [cmd(1)], far());
    const two = log.append(fence, [cmd(2), cmd(3)], far());
    await Promise.all([one, two]);
    assert.equal(log.resent, 1);
    assert.deepEqual(await logRecords(log), [cmd(1), cmd(2), cmd(3)].map(hex));
    const head = await log.head();
    assert.deepEqual([head.seq, head.term, head.leader], [3, 1, 'a']);
    await a.resign();
  },
);

test('a failed append fails every later one in flight; nothing lands after it', T, async () => {
  const held = gate();
  const sentAfter = gate();
  // Call 1 (the second append) is held; calls 2 and 3 (the two after it) go out and come back
  // refused, their predecessor missing, and wait for it.
  const log = new FencedLog(
    delaying(
      client,
      (n) => (n === 1 ? held.wait : Promise.resolve()),
      (n) => {
        if (n === 3) sentAfter.open();
      },
    ),
    '/p3',
  );
  const a = await new Election(client, 'a', { prefix: '/p3' }).campaign();
  // The term starts through an undelayed log: the calls counted are the appends'.
  const plain = new FencedLog(client, '/p3');
  const fence = await plain.takeOver(
    await plain.head(),
    'a',
    a.electionKey,
    a.electionCreateRevision,
  );
  await log.append(fence, [cmd(1)], far());
  const later = [2, 3, 4].map((seq) => log.append(fence, [cmd(seq)], far()));
  await sentAfter.wait;
  // The election key goes, then the held append is sent: refused as fenced. The two after it must
  // fail too, though neither saw another leader.
  await a.resign();
  held.open();
  const results = await Promise.allSettled(later);
  for (const r of results) {
    assert.equal(r.status, 'rejected');
    assert.ok(r.reason instanceof FencedError, String(r.reason));
  }
  assert.match(String((results[0] as PromiseRejectedResult).reason), /deposed/);
  assert.match(String((results[1] as PromiseRejectedResult).reason), /an earlier append failed/);
  assert.match(String((results[2] as PromiseRejectedResult).reason), /an earlier append failed/);
  assert.deepEqual(await logRecords(log), [hex(cmd(1))]);
  assert.equal(log.resent, 0);
});

/** Keeps `depth` appends of one command in flight until one fails; records what was acknowledged. */
async function pipeline(
  log: FencedLog,
  fence: Fence,
  writer: number,
  depth: number,
  until: () => boolean,
  acked = new Map<number, string>(),
): Promise<Map<number, string>> {
  const inFlight = new Set<Promise<void>>();
  let failed = false;
  while (!failed && !until()) {
    const seq = fence.seq + 1;
    const record = cmd(seq, writer);
    const p: Promise<void> = log.append(fence, [record], far()).then(
      () => void acked.set(seq, hex(record)),
      (error: unknown) => {
        assert.ok(error instanceof FencedError, String(error));
        failed = true;
      },
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    if (inFlight.size >= depth) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return acked;
}

test('an old and a new leader both pipelining never both append', T, async () => {
  const log = new FencedLog(client, '/p4');
  // Two live election keys (two prefixes): only the head fences the old leader here, as for one
  // paused past its term's start whose key etcd has not expired yet.
  const a = await new Election(client, 'a', { prefix: '/p4a' }).campaign();
  const b = await new Election(client, 'b', { prefix: '/p4b' }).campaign();
  for (let round = 0; round < 5; round++) {
    const seen = await log.head();
    const fenceA = await log.takeOver(seen, 'a', a.electionKey, a.electionCreateRevision);
    const ackedByA = new Map<number, string>();
    const writingA = pipeline(log, fenceA, 1, 3, () => false, ackedByA);
    // b takes over once a has appended a little, and pipelines from the head it saw.
    while (ackedByA.size < 3 + round * 5) await new Promise((r) => setTimeout(r, 5));
    let fenceB: Fence | undefined;
    for (let tries = 0; fenceB === undefined; tries++) {
      try {
        fenceB = await log.takeOver(await log.head(), 'b', b.electionKey, b.electionCreateRevision);
      } catch (error) {
        // a appended between b's read and its term start: b reads again (bounded).
        assert.ok(error instanceof FencedError && tries < 1000, String(error));
      }
    }
    const bFrom = fenceB.seq + 1;
    let bAppends = 0;
    const ackedB = await pipeline(log, fenceB, 2, 3, () => ++bAppends > 30);
    const ackedA = await writingA;
    // Every acknowledged append is in the log as its writer sent it; a's all before b's term, and
    // everything from b's term on is b's.
    const records = await logRecords(log);
    assert.ok(ackedA.size > 0);
    for (const [seq, bytes] of ackedA) {
      assert.equal(records[seq - 1], bytes, `a's ${seq}`);
      assert.ok(seq < bFrom, `a's ${seq} acknowledged after b's term began at ${bFrom}`);
    }
    assert.equal(ackedB.size, 30);
    assert.equal(records.length, bFrom - 1 + 30);
    for (const [seq, bytes] of ackedB) assert.equal(records[seq - 1], bytes, `b's ${seq}`);
  }
  await a.resign();
  await b.resign();
});
