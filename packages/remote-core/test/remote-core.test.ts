// The remote core against a real nats-server and a one-node leader on the real embedded core: commands
// and queries round-trip, the stream is complete and in order even when the bus drops batches, a
// submit whose reply is lost is retried only when the clientOrderId makes it safe, and the PostgreSQL
// read models fed by the projector agree with the engine.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NatsConnection } from '@nats-io/transport-node';
import type { AppliedCommand, CommandInput, CoreError } from '@bourse/core';
import { openPostgresReadModels } from '@bourse/projections';
import pgDriver, { type PoolConfig } from 'pg';
import { limitOrder, MARKET, marketSetup } from '../../core/test/fixtures/market-setup.ts';
import {
  openPgReadSide,
  Projector,
  type ProjectorStall,
  RemoteExchangeCore,
  SUBMIT_STAGES,
} from '../src/index.ts';
import { MAX_SUBMIT_INPUTS } from '@bourse/cluster/protocol';
import { OneNodeCluster } from './support/one-node-cluster.ts';
import type { SingleNodeLeader } from './support/single-node-leader.ts';

describe('remote core over NATS', { timeout: 180_000 }, () => {
  let cluster: OneNodeCluster;
  let gatewayConn: NatsConnection;
  let projectorConn: NatsConnection;
  let leader: SingleNodeLeader;
  let core: RemoteExchangeCore;
  let projector: Projector;
  let db: PoolConfig;
  const seen: AppliedCommand[] = [];
  const projectorErrors: unknown[] = [];

  before(async () => {
    cluster = await OneNodeCluster.start();
    leader = cluster.leader;
    db = await cluster.pg.createDatabase();
    gatewayConn = await cluster.connect();
    projectorConn = await cluster.connect();
    projector = await Projector.start({
      nats: projectorConn,
      readModels: await openPostgresReadModels(db),
      onError: (error) => projectorErrors.push(error),
    });
    core = await RemoteExchangeCore.open({
      nats: gatewayConn,
      readModels: await openPgReadSide(db),
      requestTimeoutMs: 500,
      failoverTimeoutMs: 10_000,
    });
    core.subscribe((batch) => seen.push(...batch));
  });

  after(async () => {
    await core?.close();
    await projector?.close();
    await cluster?.stop();
  });

  it('submits, queries and streams every command in seq order', async () => {
    const setup = await core.submitBatch(marketSetup(2));
    assert.equal(setup.length, marketSetup(2).length);
    assert.deepEqual(
      setup.map((a) => a.seq),
      setup.map((_, i) => i + 1),
    );
    const ask = await core.submit(withCid(limitOrder(1, 'sell', 6_000, 2), 'a-1'));
    const bid = await core.submit(withCid(limitOrder(2, 'buy', 6_000, 1), 'b-1'));
    assert.ok(bid.events.some((e) => e.type === 'fill'));
    const open = await core.query.openOrders(1, MARKET);
    assert.equal(open.length, 1);
    assert.equal(open[0]!.orderId, ask.command.type === 'placeOrder' ? ask.command.orderId : 0);
    assert.equal(core.durableSeq, bid.seq);
    await waitUntil(() => seen.at(-1)?.seq === bid.seq);
    assert.deepEqual(
      seen.map((a) => a.seq),
      seen.map((_, i) => i + 1),
    );
  });

  it('fills a gap in the bus from replay, delivering each command once', async () => {
    const before = seen.length;
    leader.dropEvents = () => true;
    const dropped: AppliedCommand[] = [];
    for (let i = 0; i < 3; i++) dropped.push(await core.submit(limitOrder(1, 'sell', 7_000, 1)));
    leader.dropEvents = undefined;
    const last = await core.submit(limitOrder(1, 'sell', 7_100, 1));
    await waitUntil(() => seen.at(-1)?.seq === last.seq);
    const fresh = seen.slice(before).map((a) => a.seq);
    assert.deepEqual(fresh, [...dropped.map((a) => a.seq), last.seq]);
    assert.deepEqual(
      seen.map((a) => a.seq),
      seen.map((_, i) => i + 1),
    );
  });

  it('fills a gap from a node of an earlier version, which answers replay in JSON', async () => {
    leader.jsonReplay = true;
    try {
      leader.dropEvents = () => true;
      const dropped = await core.submit(limitOrder(1, 'sell', 7_200, 1));
      leader.dropEvents = undefined;
      const last = await core.submit(limitOrder(1, 'sell', 7_300, 1));
      await waitUntil(() => seen.at(-1)?.seq === last.seq);
      const sequenced = leader.history.find((a) => a.seq === dropped.seq);
      assert.deepEqual(
        seen.find((a) => a.seq === dropped.seq),
        JSON.parse(JSON.stringify(sequenced)),
      );
    } finally {
      leader.jsonReplay = false;
    }
  });

  it('fetches a tail the bus never carried, with no later event to reveal it', async () => {
    leader.dropEvents = () => true;
    const lost = await core.submit(limitOrder(2, 'buy', 1_000, 1));
    leader.dropEvents = undefined;
    await waitUntil(() => seen.at(-1)?.seq === lost.seq);
    // The reply carried the seq alone; the command, events included, came through replay (in the
    // events codec, whose decoded events hold absent optional fields as undefined, as live ones do).
    const sequenced = leader.history.find((a) => a.seq === lost.seq);
    assert.deepEqual(JSON.parse(JSON.stringify(lost)), JSON.parse(JSON.stringify(sequenced)));
  });

  it('retries a placeOrder with a clientOrderId whose reply was lost, and it runs once', async () => {
    const requests = leader.submitRequests;
    const timeouts = core.retryWaits.timeout.count;
    leader.swallowReplies = 1;
    const input: CommandInput = withCid(limitOrder(2, 'buy', 2_000, 1), 'retry-1');
    const applied = await core.submit(input);
    assert.equal(leader.submitRequests - requests, 2, 'the first attempt timed out, one retry');
    assert.equal(core.retryWaits.timeout.count - timeouts, 1, 'its wait counted as a timeout');
    assert.ok(core.retryWaits.timeout.sum >= 0.5, 'the wait is the request timeout (500 ms)');
    const open = await core.query.openOrders(2, MARKET);
    const mine = open.filter((o) => o.clientOrderId === 'retry-1');
    assert.equal(mine.length, 1);
    assert.equal(
      applied.command.type === 'placeOrder' && applied.command.orderId,
      mine[0]!.orderId,
    );
    const sameCid = leader.history.filter(
      (a) => a.command.type === 'placeOrder' && a.command.clientOrderId === 'retry-1',
    );
    assert.equal(sameCid.length, 1, 'sequenced exactly once');
  });

  it('sends a safe request held by a dead leader again as soon as a new leader announces itself', async () => {
    // Long request timeouts: only the announcement can end the wait on the swallowed replies.
    const patient = await RemoteExchangeCore.open({
      nats: gatewayConn,
      readModels: await openPgReadSide(db),
      requestTimeoutMs: 120_000,
      failoverTimeoutMs: 240_000,
    });
    try {
      let requests = leader.submitRequests;
      leader.swallowReplies = 1;
      const pending = patient.submit(withCid(limitOrder(2, 'buy', 2_100, 1), 'announced-1'));
      // Applied and its reply swallowed: the leader "died" after its append.
      await waitUntil(() => leader.swallowReplies === 0);
      gatewayConn.publish(patient.subjects.leader, JSON.stringify({ term: 2, node: 'other' }));
      const applied = await pending;
      assert.equal(leader.submitRequests - requests, 2, 'sent again once, not after a timeout');
      assert.equal(patient.cluster.abandonedOnLeaderChange, 1);
      assert.equal(
        patient.retryWaits.new_leader.count,
        1,
        'its wait counted as ended by the leader',
      );
      assert.equal(patient.retryWaits.timeout.count, 0);
      const sameCid = leader.history.filter(
        (a) => a.command.type === 'placeOrder' && a.command.clientOrderId === 'announced-1',
      );
      assert.deepEqual(
        sameCid.map((a) => a.seq),
        [applied.seq],
      );
      // A request whose retry is not safe is never sent again, announcement or not.
      requests = leader.submitRequests;
      const before = core.cluster.abandonedOnLeaderChange;
      leader.swallowReplies = 1;
      const deposit = core.submit({ type: 'deposit', accountId: 1, assetId: 1, amount: 7 });
      await waitUntil(() => leader.swallowReplies === 0);
      gatewayConn.publish(core.subjects.leader, JSON.stringify({ term: 3, node: 'other' }));
      await assert.rejects(deposit, (e: CoreError) => e.code === 'UNAVAILABLE');
      assert.equal(leader.submitRequests - requests, 1);
      assert.equal(core.cluster.abandonedOnLeaderChange, before);
    } finally {
      await patient.close();
    }
  });

  it('does not resend a command that a retry could execute twice', async () => {
    const requests = leader.submitRequests;
    const balanceBefore = await core.query.balances(1);
    leader.swallowReplies = 1;
    await assert.rejects(
      core.submit({ type: 'deposit', accountId: 1, assetId: 1, amount: 5 }),
      (error: Error & { code?: string }) => error.code === 'UNAVAILABLE',
    );
    assert.equal(leader.submitRequests - requests, 1, 'no second attempt');
    const balanceAfter = await core.query.balances(1);
    assert.equal(balanceAfter[0]!.available - balanceBefore[0]!.available, 5, 'applied once');
  });

  it('refuses a malformed command as the embedded core does', async () => {
    await assert.rejects(
      core.submit({ type: 'deposit', accountId: 1, assetId: 1, amount: 10n } as never),
      (error: Error & { code?: string }) => error.code === 'INVALID_COMMAND',
    );
    await assert.rejects(
      core.submit(null as never),
      (error: Error & { code?: string }) => error.code === 'INVALID_COMMAND',
    );
  });

  it('single submits of one turn travel as one request, each answered with its own command', async () => {
    const before = leader.submitRequests;
    const stages = core.submitStages;
    const counts = () => SUBMIT_STAGES.map((stage) => stages[stage].count);
    const counted = counts();
    const inputs = Array.from({ length: 40 }, (_, i) =>
      withCid(limitOrder(1, 'sell', 8_000 + 100 * (i % 10), 1), `burst-${i}`),
    );
    const results = await Promise.all(inputs.map((input) => core.submit(input)));
    assert.equal(leader.submitRequests - before, 1);
    results.forEach((a, i) => {
      assert.equal(a.command.type === 'placeOrder' && a.command.clientOrderId, `burst-${i}`);
      assert.equal(a.seq, results[0]!.seq + i);
    });
    // Each command's time on the gateway is counted once per stage; this test's leader answers in
    // JSON with the commands, not its hold, so the request is not split (engine-node.test.ts has it).
    assert.deepEqual(
      counts().map((n, i) => n - counted[i]!),
      SUBMIT_STAGES.map((stage) => (stage === 'leader' || stage === 'transit' ? 0 : 40)),
    );
  });

  it('single submits of one turn, valid and invalid mixed, each get their own answer', async () => {
    const before = leader.submitRequests;
    const submittedBefore = core.stats.submitted;
    const placed = [
      core.submit(withCid(limitOrder(1, 'sell', 9_100, 1), 'mixed-0')),
      // Refused by the engine: an account that does not exist (a rejected event of its own).
      core.submit(limitOrder(999, 'buy', 1_000, 1)),
      // Cannot be encoded at all: refused on the gateway, alone.
      core.submit({ type: 'deposit', accountId: 1, assetId: 1, amount: 10n } as never),
      core.submit(withCid(limitOrder(1, 'sell', 9_200, 1), 'mixed-3')),
      core.submit({ type: 'deposit', accountId: 1, assetId: 1, amount: 3 }),
    ];
    const outcomes = await Promise.allSettled(placed);
    const applied = (i: number): AppliedCommand => {
      const o = outcomes[i]!;
      assert.equal(o.status, 'fulfilled', `input ${i}`);
      return (o as PromiseFulfilledResult<AppliedCommand>).value;
    };
    const [first, refused, last, deposit] = [applied(0), applied(1), applied(3), applied(4)];
    assert.equal(refused.events[0]?.type, 'rejected');
    const invalid = outcomes[2]!;
    assert.equal(invalid.status, 'rejected');
    assert.equal(((invalid as PromiseRejectedResult).reason as CoreError).code, 'INVALID_COMMAND');
    assert.equal(clientId(first), 'mixed-0');
    assert.equal(clientId(last), 'mixed-3');
    assert.equal(deposit.command.type, 'deposit');
    assert.ok(deposit.events.every((e) => e.type !== 'rejected'));
    // Nothing of the invalid one was sequenced: four commands, four seqs.
    const seqs = [first.seq, refused.seq, last.seq, deposit.seq];
    assert.equal(new Set(seqs).size, 4);
    assert.ok(
      leader.history.every(
        (a) => a.command.type !== 'deposit' || a.command.amount !== (10 as unknown),
      ),
    );
    // The safe ones (client order ids) and the others travel apart; the refused request is not resent.
    assert.ok(leader.submitRequests - before <= 3, String(leader.submitRequests - before));
    // Counted as the embedded core counts: commands that got a seq, each once.
    assert.equal(core.stats.submitted - submittedBefore, 4);
  });

  it('single submits within the spacing of the last request wait for its end or a full request', async () => {
    const open = (submitSpacingMs: number) =>
      openPgReadSide(db).then((readModels) =>
        RemoteExchangeCore.open({ nats: gatewayConn, readModels, submitSpacingMs }),
      );
    const spaced = await open(2_000);
    const patient = await open(3_600_000);
    const cid = (i: number) => withCid(limitOrder(1, 'sell', 9_300 + i, 1), `spaced-${i}`);
    try {
      let before = leader.submitRequests;
      // No request yet: the first leaves at the end of its turn, alone.
      const first = spaced.submit(cid(0));
      await new Promise((resolve) => setImmediate(resolve));
      // Within 2 s of it: the next two, made in turns a timer apart, leave together at its end.
      const second = spaced.submit(cid(1));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const third = spaced.submit(cid(2));
      const all = await Promise.all([first, second, third]);
      assert.equal(leader.submitRequests - before, 2);
      assert.deepEqual(
        all.map((a) => a.seq - all[0].seq),
        [0, 1, 2],
      );
      // An hour's spacing after a first request: only a full request can send the next ones.
      await patient.submit(cid(3));
      before = leader.submitRequests;
      const full = Array.from({ length: MAX_SUBMIT_INPUTS }, (_, i) =>
        patient.submit(withCid(limitOrder(1, 'buy', 1_000 + i, 1), `full-${i}`)),
      );
      const applied = await Promise.all(full);
      assert.equal(leader.submitRequests - before, 1);
      assert.deepEqual(
        applied.map(clientId),
        applied.map((_, i) => `full-${i}`),
      );
      // One more waits for the spacing; closing the core fails it unsent.
      const unsent = patient.submit(withCid(limitOrder(1, 'buy', 1_000, 1), 'unsent'));
      await patient.close();
      await assert.rejects(unsent, (e: CoreError) => e.code === 'CORE_CLOSED');
      assert.equal(leader.submitRequests - before, 1);
      assert.ok(leader.history.every((a) => clientId(a) !== 'unsent'));
    } finally {
      await spaced.close();
      await patient.close();
    }
  });

  it('a reply that comes after its commands left the delivered window fetches them in one replay', async () => {
    // Its own core with a long request timeout: on a loaded machine the 4,200 commands below can take
    // longer than the shared core's 500 ms, and a timed-out request is sent again instead of replayed.
    const patient = await RemoteExchangeCore.open({
      nats: gatewayConn,
      readModels: await openPgReadSide(db),
      requestTimeoutMs: 120_000,
      failoverTimeoutMs: 240_000,
    });
    let release = () => {};
    leader.holdReply = new Promise<void>((resolve) => {
      release = resolve;
    });
    const inputs = Array.from({ length: 5 }, (_, i) =>
      withCid(limitOrder(2, 'buy', 1_100 + 100 * i, 1), `late-${i}`),
    );
    const pending = patient.submitBatch(inputs);
    try {
      // Enough other commands, delivered to this gateway, to push the held ones out of its window.
      await waitUntil(() => leader.history.some((a) => clientId(a) === 'late-4'));
      const others = Array.from({ length: 4_200 }, () => ({
        type: 'deposit' as const,
        accountId: 1,
        assetId: 1,
        amount: 1,
      }));
      for (let i = 0; i < others.length; i += 700) {
        await leader.core.submitBatch(others.slice(i, i + 700));
      }
      await waitUntil(() => patient.cluster.deliveredSeq >= leader.core.durableSeq);
    } finally {
      leader.holdReply = undefined;
      release();
    }
    const replays = leader.replayRequests;
    const applied = await pending;
    const retries = patient.cluster.retries;
    await patient.close();
    assert.equal(retries, 0, 'answered by the held reply, not sent again');
    assert.equal(leader.replayRequests - replays, 1, 'one replay for the five, not one each');
    assert.deepEqual(
      applied.map((a) => clientId(a)),
      inputs.map((_, i) => `late-${i}`),
    );
  });

  it('a projector that cannot fetch what it missed says so, and catches up once it can', async () => {
    const replayErrors: unknown[] = [];
    const stalls: ProjectorStall[] = [];
    leader.refuseReplay = true;
    const late = await Projector.start({
      nats: projectorConn,
      readModels: await openPostgresReadModels(await cluster.pg.createDatabase()),
      onReplayError: (error) => replayErrors.push(error),
      onStall: (stall) => stalls.push(stall),
      stallMs: 200,
    });
    try {
      // The next event shows the log is far ahead of this projector's empty read models.
      const applied = await core.submit(limitOrder(3, 'buy', 1_500, 1));
      await waitUntil(() => stalls.length > 0);
      assert.ok(replayErrors.length > 0, 'the refused replays were reported');
      assert.equal(stalls[0]!.storedSeq, 0);
      assert.ok(stalls[0]!.headSeq >= applied.seq);
      assert.ok(late.lagCommands >= applied.seq);
      leader.refuseReplay = false;
      await waitUntil(() => late.storedSeq >= applied.seq);
      assert.equal(late.lagCommands, 0);
    } finally {
      leader.refuseReplay = false;
      await late.close();
    }
  });

  it('a projector whose database moved past it (a commit whose answer was lost) goes on from there', async () => {
    const conn = await cluster.pg.createDatabase();
    const errors: unknown[] = [];
    const a = await Projector.start({
      nats: projectorConn,
      readModels: await openPostgresReadModels(conn),
      reopen: () => openPostgresReadModels(conn),
      onError: (error) => errors.push(error),
    });
    let other: Awaited<ReturnType<typeof openPostgresReadModels>> | undefined;
    try {
      await waitUntil(() => a.storedSeq >= core.durableSeq);
      other = await openPostgresReadModels(conn);
      // The next command reaches the database without this projector knowing: as when its commit
      // succeeded but the answer was lost.
      leader.dropEvents = () => true;
      leader.refuseReplay = true;
      const first = await leader.core.submit(limitOrder(1, 'buy', 1_200, 1));
      await other.apply(leader.history.filter((x) => x.seq === first.seq));
      leader.dropEvents = undefined;
      leader.refuseReplay = false;
      const next = await core.submit(limitOrder(2, 'buy', 1_300, 1));
      await waitUntil(() => a.storedSeq >= next.seq);
      assert.ok(errors.length > 0, 'the refused store was reported');
      assert.equal(await other.lastAppliedSeq(), first.seq);
    } finally {
      leader.dropEvents = undefined;
      leader.refuseReplay = false;
      await other?.close();
      await a.close();
    }
  });

  it('a projector whose database lost commits it had stored fills them again from the log', async () => {
    const ahead = await cluster.pg.createDatabase();
    const behind = await cluster.pg.createDatabase();
    // The database as a crash left it: only the first commands, though the projector stored more.
    const partial = await openPostgresReadModels(behind);
    await partial.apply(leader.history.slice(0, 4));
    await partial.close();
    const a = await Projector.start({
      nats: projectorConn,
      readModels: await openPostgresReadModels(ahead),
      reopen: () => openPostgresReadModels(behind),
      onError: () => {},
    });
    try {
      await waitUntil(() => a.storedSeq >= core.durableSeq);
      // The projector's next store into its current database fails, and it reopens the database.
      const breaker = new pgDriver.Client(ahead);
      await breaker.connect();
      await breaker.query('alter table audit rename to audit_gone');
      await breaker.end();
      const next = await core.submit(limitOrder(1, 'sell', 8_800, 1));
      await waitUntil(() => a.storedSeq >= next.seq);
      const check = await openPostgresReadModels(behind);
      try {
        assert.equal(await check.lastAppliedSeq(), next.seq);
        const stored = await check.balances(1);
        const engine = await core.query.balances(1);
        assert.deepEqual(
          stored.map((b) => [b.available, b.reserved]),
          engine.map((b) => [b.available, b.reserved]),
        );
      } finally {
        await check.close();
      }
    } finally {
      await a.close();
    }
  });

  it('a projector stores whole transactions of its coalescing size, and a short tail after its delay', async () => {
    const sizes: number[] = [];
    const counted = async () => {
      const models = await openPostgresReadModels(await cluster.pg.createDatabase());
      return new Proxy(models, {
        get(target, property) {
          if (property === 'apply') {
            return (batch: readonly AppliedCommand[]) => {
              sizes.push(batch.length);
              return target.apply(batch);
            };
          }
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    };
    // Never stored by the delay: every transaction holds at least three commands.
    const whole = await Projector.start({
      nats: projectorConn,
      readModels: await counted(),
      coalesce: { commands: 3, ms: 3_600_000 },
    });
    try {
      for (let i = 0; i < 7; i++) await core.submit(limitOrder(1 + (i % 2), 'buy', 1_100, 1));
      await waitUntil(() => whole.storedSeq >= core.durableSeq - 2);
      assert.ok(sizes.length > 0);
      assert.ok(
        sizes.every((n) => n >= 3),
        `transactions of ${sizes.join(', ')} commands`,
      );
    } finally {
      await whole.close();
    }
    // Never full: stored only because the oldest command waited its 20 ms, yet all of it.
    sizes.length = 0;
    const tail = await Projector.start({
      nats: projectorConn,
      readModels: await counted(),
      coalesce: { commands: 1_000_000, ms: 20 },
    });
    try {
      const last = await core.submit(limitOrder(2, 'buy', 1_100, 1));
      await waitUntil(() => tail.storedSeq >= last.seq);
      assert.equal(
        sizes.reduce((a, b) => a + b, 0),
        last.seq,
      );
    } finally {
      await tail.close();
    }
  });

  it('the read models reach every acknowledged command and agree with the engine', async () => {
    await waitUntil(() => projector.storedSeq >= core.durableSeq || projectorErrors.length > 0);
    assert.deepEqual(projectorErrors, []);
    await core.readModels.waitFor(core.durableSeq);
    assert.equal(await core.readModels.lastAppliedSeq(), core.durableSeq);
    const orders = await core.readModels.orders({ accountId: 2, limit: 100 });
    const retried = orders.items.filter((o) => o.clientOrderId === 'retry-1');
    assert.equal(retried.length, 1);
    const balances = await core.readModels.balances(1);
    const engine = await core.query.balances(1);
    assert.equal(balances[0]!.available, engine[0]!.available);
    assert.equal(balances[0]!.reserved, engine[0]!.reserved);
    await assert.rejects(core.readModels.apply([]), /only writer/);
  });
});

function withCid(input: CommandInput, clientOrderId: string): CommandInput {
  return { ...input, clientOrderId } as CommandInput;
}

async function waitUntil(ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function clientId(applied: AppliedCommand): string | undefined {
  const c = applied.command;
  return c.type === 'placeOrder' ? c.clientOrderId : undefined;
}
