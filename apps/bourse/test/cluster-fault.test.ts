// The whole cluster under faults: `bourse cluster up` on loopback (3 etcd members, nats-server,
// PostgreSQL, 3 engine nodes, the projector, 2 gateways, HAProxy), two traders placing and cancelling
// orders through HAProxy, and a nemesis that, one round each, kills -9 the leader engine, a standby, a
// gateway, the etcd Raft leader, nats-server, the projector and PostgreSQL (mid-stream: the read
// models commit asynchronously), and SIGSTOPs the leader past its lease. After every
// round (cluster-checks.ts): the nodes agree, the engine's invariants hold, every acknowledged order is
// stored once, none twice, and the read models equal the engine. Then every process is killed at once
// and the cluster started again from disk: nothing acknowledged is lost. Bad input is refused as on one
// server.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { RestClient } from '@bourse/client';
import { freePorts, natsServerEnv } from '@bourse/cluster';
import { openPgReadSide, RemoteExchangeCore } from '@bourse/remote-core';
import type { NatsConnection } from '@nats-io/transport-node';
import { type ClusterState, readState } from '../src/cluster/cluster-state.ts';
import { clusterUpCommand, restartProcess, stopAll } from '../src/cluster/cluster-up.ts';
import { connectNats } from '../src/cluster/gateway-command.ts';
import { findPostgresBin } from '../src/cluster/local-postgres.ts';
import { type AckedOrder, checkRound, settled } from './support/cluster-checks.ts';
import {
  bootstrapAdmin,
  etcdLeader,
  leaderNode,
  marketSpec,
  standbyNode,
  trader,
  waitGone,
} from './support/cluster-setup.ts';

const MARKET = 'FAULT-26-YES';
/** `cluster up --background-nice`: the projector and PostgreSQL run lowered (decision 0970). */
const BACKGROUND_NICE = 10;
const run = promisify(execFile);

/** GOMAXPROCS in the environment a running process was started with (Linux /proc). */
const goMaxProcs = (pid: number) =>
  readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .find((v) => v.startsWith('GOMAXPROCS='))
    ?.slice('GOMAXPROCS='.length);

/** A thread's niceness as its stat says (field 19): what the scheduler and `ps` see. */
function statNice(pid: number, tid = pid): number {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19 - 3]);
}

const autogroupNice = (pid: number) =>
  Number(/nice (-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, 'latin1'))![1]);

/** One column of a query's rows, through the server's own `psql`. */
async function psql(state: ClusterState, query: string): Promise<string[]> {
  const bin = findPostgresBin()!;
  const { stdout } = await run(join(bin, 'psql'), [state.pgUrl, '-XAtq', '-c', query]);
  return stdout.split('\n').filter((line) => line !== '');
}

describe('cluster under faults', { timeout: 900_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-cluster-'));
  let state: ClusterState;
  let upArgs: string[] = [];
  let nats: NatsConnection;
  let core: RemoteExchangeCore;
  const traders: { accountId: number; rest: RestClient }[] = [];
  const acked: AckedOrder[] = [];
  let sent = 0;

  before(async () => {
    const [port] = await freePorts(1);
    upArgs = ['--data-dir', dir, '--port', String(port), '--no-demo', '--hash-every', '25'];
    upArgs.push('--background-nice', String(BACKGROUND_NICE));
    const code = await clusterUpCommand(upArgs);
    assert.equal(code, 0, 'cluster up');
    state = readState(dir)!;
    nats = await connectNats(state.natsUrl, 'fault-test');
    core = await RemoteExchangeCore.open({ nats, readModels: await openPgReadSide(state.pgUrl) });
    const admin = await bootstrapAdmin(state);
    await admin.request('POST', '/api/v1/admin/assets', {
      code: 'USD',
      scale: 1_000_000,
      assetId: 1,
    });
    await admin.request('POST', '/api/v1/admin/markets', marketSpec(MARKET));
    await admin.request('POST', `/api/v1/admin/markets/${MARKET}/status`, { status: 'open' });
    for (const name of ['tom', 'una']) traders.push(await trader(state, admin, name));
  });

  after(async () => {
    await core?.close().catch(() => {});
    await nats?.close().catch(() => {});
    if (state !== undefined) await stopAll(state);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Both traders place (and now and then cancel) `n` orders each, in parallel with a fault. */
  const trade = (n: number) =>
    Promise.all(
      traders.map(async (t, side) => {
        for (let i = 0; i < n; i++) {
          const clientOrderId = `${t.accountId}-${sent++}`;
          try {
            const ack = (await t.rest.placeOrder({
              market: MARKET,
              side: side === 0 ? 'buy' : 'sell',
              type: 'limit',
              priceTicks: 4_800 + 100 * (i % 5),
              qtyLots: 100,
              clientOrderId,
            } as never)) as unknown as { orderId: number };
            acked.push({ accountId: t.accountId, clientOrderId, orderId: ack.orderId });
            if (i % 4 === 3) await t.rest.cancelOrders([ack.orderId]).catch(() => {});
          } catch {
            // Not acknowledged (a gateway died, no leader yet): the checks only demand that it is
            // either stored once or not at all.
          }
        }
      }),
    );

  const round = async (label: string, fault: () => Promise<() => Promise<void>>) => {
    const traffic = trade(15);
    await new Promise((r) => setTimeout(r, 300));
    const recover = await fault();
    await traffic;
    await recover();
    await trade(5);
    // A restarted node has a state hash only from the next multiple of the hash interval it applies:
    // trade on until every node has hashed the same seq.
    let replies = await settled(nats, 3);
    for (let i = 0; i < 20 && new Set(replies.map((r) => r.hashSeq)).size > 1; i++) {
      await trade(3);
      replies = await settled(nats, 3);
    }
    await checkRound(
      label,
      core,
      replies,
      acked,
      traders.map((t) => t.accountId),
    );
  };

  /**
   * After their restarts too: the projector and PostgreSQL run at the background niceness
   * (every thread, and the autogroup of the projector, of PostgreSQL's processes started with it and
   * of the backends serving the projector), the processes on the order path at 0 (decision 0970).
   */
  const assertBackgroundLowered = async () => {
    const pgPids = (
      await psql(state, 'select pid from pg_stat_activity where pid <> pg_backend_pid()')
    ).map(Number);
    const projectorBackends = (
      await psql(
        state,
        "select pid from pg_stat_activity where application_name = 'bourse-projector'",
      )
    ).map(Number);
    assert.ok(projectorBackends.length > 0, 'the projector’s sessions are named');
    const postmaster = state.processes.find((p) => p.kind === 'postgres')!.pid;
    const projector = state.processes.find((p) => p.kind === 'projector')!.pid;
    for (const pid of [projector, postmaster, ...pgPids]) {
      for (const tid of readdirSync(`/proc/${pid}/task`).map(Number)) {
        const expected = Math.max(getPriority(), BACKGROUND_NICE);
        assert.equal(statNice(pid, tid), expected, `thread ${tid} of ${pid}`);
      }
    }
    for (const pid of [projector, postmaster, ...projectorBackends]) {
      assert.equal(autogroupNice(pid), BACKGROUND_NICE, `autogroup of ${pid}`);
    }
    for (const p of state.processes.filter((x) => !['projector', 'postgres'].includes(x.kind))) {
      assert.equal(statNice(p.pid), getPriority(), p.name);
      assert.equal(autogroupNice(p.pid), 0, p.name);
    }
  };

  const kill = (name: string, signal: NodeJS.Signals = 'SIGKILL') => {
    const p = state.processes.find((x) => x.name === name)!;
    process.kill(p.pid, signal);
    return async () => {
      await waitGone(p.pid);
      await restartProcess(state, name);
    };
  };

  it('keeps every acknowledged order exactly once through every fault', async () => {
    await round('no fault', async () => async () => {});
    await round('leader killed', async () => kill(await leaderNode(nats)));
    await round('standby killed', async () => kill(await standbyNode(nats)));
    await round('gateway killed', async () => kill('gateway1'));
    await round('etcd leader killed', async () => kill(await etcdLeader(state)));
    await round('nats-server killed', async () => kill('nats'));
    // The read models commit asynchronously (docs/cluster.md): a crash of either side loses only
    // commits the projector then stores again from the log, and the checks find them equal.
    await round('projector killed', async () => kill('projector'));
    await round('PostgreSQL killed', async () => kill('postgres'));
    await round('leader stopped past its lease', async () => {
      const name = await leaderNode(nats);
      const pid = state.processes.find((x) => x.name === name)!.pid;
      process.kill(pid, 'SIGSTOP');
      await new Promise((r) => setTimeout(r, 5_000));
      process.kill(pid, 'SIGCONT');
      return async () => {};
    });
    assert.ok(acked.length > 0, 'orders were acknowledged');
    // nats-server runs with its share of the cores (go-env.ts), after its restart too; etcd's
    // members with Go's default.
    for (const p of state.processes.filter((x) => x.kind === 'etcd' || x.kind === 'nats')) {
      const expected = p.kind === 'nats' ? natsServerEnv().GOMAXPROCS : process.env.GOMAXPROCS;
      assert.equal(goMaxProcs(p.pid), expected, p.name);
    }
    await assertBackgroundLowered();
  });

  it('loses no acknowledged order when every process is killed at once and started again', async () => {
    await trade(5);
    for (const p of state.processes) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    for (const p of state.processes) await waitGone(p.pid);
    await core.close();
    await nats.close();
    const code = await clusterUpCommand(upArgs);
    assert.equal(code, 0, 'cluster up from disk');
    state = readState(dir)!;
    nats = await connectNats(state.natsUrl, 'fault-test');
    core = await RemoteExchangeCore.open({ nats, readModels: await openPgReadSide(state.pgUrl) });
    await trade(3);
    let replies = await settled(nats, 3);
    for (let i = 0; i < 20 && new Set(replies.map((r) => r.hashSeq)).size > 1; i++) {
      await trade(3);
      replies = await settled(nats, 3);
    }
    await checkRound(
      'restarted from disk',
      core,
      replies,
      acked,
      traders.map((t) => t.accountId),
    );
  });

  it('refuses bad input as one server does, and changes nothing', async () => {
    const before = await core.query.stateHash();
    const t = traders[0]!;
    await assert.rejects(
      t.rest.placeOrder({
        market: MARKET,
        side: 'buy',
        type: 'limit',
        priceTicks: 4_850,
        qtyLots: 100,
      } as never),
      /PRICE|TICK/,
    );
    await assert.rejects(
      t.rest.request('POST', '/api/v1/orders', { market: MARKET }),
      /VALIDATION/,
    );
    const afterHash = await core.query.stateHash();
    // A rejected order is journaled (as on one server) but changes no state but the seq.
    assert.ok(afterHash.seq >= before.seq);
    assert.deepEqual(await core.query.verify(), []);
  });
});
