// `bourse cluster up --order-path-priority`: every thread of the order path's processes (etcd, nats-server, the
// leading engine node, the gateways, HAProxy) runs under the real-time policy asked for, layered by
// kind, as the kernel reports it in /proc, and again after a kill and restart; the standbys one below
// the order path, the background (PostgreSQL, the projector) not at all; a node that takes over
// takes the leader's priority. Bad specs are refused before anything starts (decisions 0979, 0989).

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePorts } from '@bourse/cluster';
import { type ClusterState, readState } from '../src/cluster/cluster-state.ts';
import { clusterUpCommand, restartProcess, stopAll } from '../src/cluster/cluster-up.ts';
import {
  nodePriority,
  parseOrderPathPriority,
  priorityPrefix,
} from '../src/cluster/order-path-priority.ts';
import { waitGone } from './support/cluster-setup.ts';

const SCHED_OTHER = 0;
const SCHED_RR = 2;

/** A thread's policy and real-time priority from `/proc/<pid>/task/<tid>/sched` (prio = 99 − rt). */
function sched(pid: number, tid: number): { policy: number; rt: number } {
  const text = readFileSync(`/proc/${pid}/task/${tid}/sched`, 'latin1');
  const field = (name: string) => Number(new RegExp(`^${name}\\s*:\\s*(\\d+)`, 'm').exec(text)![1]);
  const policy = field('policy');
  return { policy, rt: policy === SCHED_OTHER ? 0 : 99 - field('prio') };
}

const tids = (pid: number) => readdirSync(`/proc/${pid}/task`).map(Number);

/** `rr:10:layered`: each kind's real-time priority (a standby node's is 9); the background has none. */
const LAYERED: Record<string, number> = { etcd: 14, nats: 13, node: 12, haproxy: 11, gateway: 10 };
const STANDBY = 9;

const underPolicy = (pid: number, rt: number) =>
  tids(pid).every((tid) => {
    const s = sched(pid, tid);
    return s.policy === SCHED_RR && s.rt === rt;
  });

/** The one node whose every thread runs at the leader's priority, once the others run at a standby's. */
async function realTimeLeader(state: ClusterState): Promise<string> {
  const nodes = state.processes.filter((p) => p.kind === 'node');
  for (let i = 0; i < 600; i++) {
    const leading = nodes.filter((p) => underPolicy(p.pid, LAYERED.node!));
    const standing = nodes.filter((p) => underPolicy(p.pid, STANDBY));
    if (leading.length === 1 && standing.length === nodes.length - 1) return leading[0]!.name;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail('no single node at the leader’s priority with the others at a standby’s');
}

/** Every thread of etcd, nats-server, the gateways and HAProxy at its layer; the background ordinary. */
function checkPolicies(state: ClusterState): void {
  for (const p of state.processes) {
    if (p.kind === 'node') continue;
    const rt = LAYERED[p.kind];
    if (rt === undefined) {
      assert.equal(sched(p.pid, p.pid).policy, SCHED_OTHER, `${p.name} is background`);
      continue;
    }
    for (const tid of tids(p.pid)) {
      assert.deepEqual(sched(p.pid, tid), { policy: SCHED_RR, rt }, `${p.name} thread ${tid}`);
    }
  }
}

describe('order-path priority specs', () => {
  it('reads none or a policy, its priority and layering, and refuses anything else', () => {
    assert.equal(parseOrderPathPriority('none'), undefined);
    assert.deepEqual(parseOrderPathPriority('fifo:5'), {
      policy: 'fifo',
      priority: 5,
      layered: false,
    });
    assert.deepEqual(parseOrderPathPriority('rr:95:layered'), {
      policy: 'rr',
      priority: 95,
      layered: true,
    });
    const bad = ['rr', 'rr:0', 'rr:100', 'idle:5', 'rr:5,main', 'RR:5', 'rr:', 'rr:96:layered'];
    for (const spec of [...bad, 'rr:5:flat', 'rr:5:layered:']) {
      assert.throws(() => parseOrderPathPriority(spec), /--order-path-priority must be/, spec);
    }
  });

  it('starts the order path behind chrt by layer, and leaves nodes, the background and no policy alone', () => {
    const flat = parseOrderPathPriority('rr:10')!;
    const layered = parseOrderPathPriority('fifo:10:layered')!;
    assert.deepEqual(priorityPrefix(flat, 'projector'), []);
    assert.deepEqual(priorityPrefix(layered, 'postgres'), []);
    assert.deepEqual(priorityPrefix(undefined, 'etcd'), []);
    assert.deepEqual(priorityPrefix(flat, 'node'), [], 'a node takes it itself while it leads');
    assert.deepEqual(priorityPrefix(flat, 'etcd'), ['chrt', '--rr', '10']);
    assert.deepEqual(priorityPrefix(flat, 'gateway'), ['chrt', '--rr', '10']);
    for (const [kind, rt] of [
      ['etcd', 14],
      ['nats', 13],
      ['haproxy', 11],
      ['gateway', 10],
    ]) {
      assert.deepEqual(priorityPrefix(layered, kind as string), ['chrt', '--fifo', String(rt)]);
    }
    assert.equal(nodePriority(layered, 'leader'), 12);
    assert.equal(nodePriority(layered, 'standby'), 9, 'below the whole order path');
    assert.equal(nodePriority(flat, 'leader'), 10);
    assert.equal(nodePriority(parseOrderPathPriority('rr:1')!, 'standby'), undefined, 'ordinary');
  });
});

describe('cluster up --order-path-priority', { timeout: 600_000 }, () => {
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'bourse-cluster-rt-'));
  let state: ClusterState | undefined;

  before(async () => {
    if (!root) return;
    const [port] = await freePorts(1);
    const args = ['--data-dir', dir, '--port', String(port), '--no-demo'];
    const code = await clusterUpCommand([...args, '--order-path-priority', 'rr:10:layered']);
    assert.equal(code, 0, 'cluster up');
    state = readState(dir)!;
  });

  after(async () => {
    if (state !== undefined) await stopAll(state);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs each order-path process under its policy, and again after a restart; the leader only while it leads', {
    skip: root ? false : 'needs root to set a real-time policy',
  }, async () => {
    const s = state!;
    assert.equal(s.orderPathPriority, 'rr:10:layered');
    checkPolicies(s);
    const first = await realTimeLeader(s);
    for (const name of ['gateway1', 'nats', first]) {
      const pid = s.processes.find((p) => p.name === name)!.pid;
      process.kill(pid, 'SIGKILL');
      await waitGone(pid);
      await restartProcess(s, name);
    }
    checkPolicies(s);
    // The killed leader came back as a standby, below the order path; the node that took over leads.
    assert.notEqual(await realTimeLeader(s), first);
  });

  it('refuses a bad spec before starting anything', async () => {
    const other = mkdtempSync(join(tmpdir(), 'bourse-cluster-rt-bad-'));
    const args = ['--data-dir', other, '--order-path-priority', 'rr:100'];
    await assert.rejects(clusterUpCommand(args), /--order-path-priority must be/);
    assert.deepEqual(readdirSync(other), []);
    rmSync(other, { recursive: true, force: true });
  });
});
