// `bourse cluster up --order-path-priority`: every thread of the order path's processes (etcd, nats-server, the engine
// nodes, the gateways, HAProxy) run under the real-time policy asked for, as the kernel reports it in
// /proc, and again after a kill and restart; the background (PostgreSQL, the projector) does not. Bad
// specs are refused before anything starts (decision 0979).

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePorts } from '@bourse/cluster';
import { type ClusterState, readState } from '../src/cluster/cluster-state.ts';
import { clusterUpCommand, restartProcess, stopAll } from '../src/cluster/cluster-up.ts';
import { parseOrderPathPriority, priorityPrefix } from '../src/cluster/order-path-priority.ts';
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

const ORDER_PATH = new Set(['etcd', 'nats', 'node', 'gateway', 'haproxy']);

/** Every thread of the order path's processes under SCHED_RR at 10; the background left alone. */
function checkPolicies(state: ClusterState): void {
  for (const p of state.processes) {
    if (!ORDER_PATH.has(p.kind)) {
      assert.equal(sched(p.pid, p.pid).policy, SCHED_OTHER, `${p.name} is background`);
      continue;
    }
    for (const tid of tids(p.pid)) {
      assert.deepEqual(sched(p.pid, tid), { policy: SCHED_RR, rt: 10 }, `${p.name} thread ${tid}`);
    }
  }
}

describe('order-path priority specs', () => {
  it('reads none or a policy and its priority, and refuses anything else', () => {
    assert.equal(parseOrderPathPriority('none'), undefined);
    assert.deepEqual(parseOrderPathPriority('fifo:5'), { policy: 'fifo', priority: 5 });
    for (const bad of ['rr', 'rr:0', 'rr:100', 'idle:5', 'rr:5,main', 'RR:5', 'rr:']) {
      assert.throws(() => parseOrderPathPriority(bad), /--order-path-priority must be/, bad);
    }
  });

  it('leaves the background and the unset policy alone', () => {
    const p = parseOrderPathPriority('rr:10');
    assert.deepEqual(priorityPrefix(p, 'projector'), []);
    assert.deepEqual(priorityPrefix(p, 'postgres'), []);
    assert.deepEqual(priorityPrefix(undefined, 'etcd'), []);
    assert.deepEqual(priorityPrefix(p, 'node'), ['chrt', '--rr', '10']);
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
    const code = await clusterUpCommand([...args, '--order-path-priority', 'rr:10']);
    assert.equal(code, 0, 'cluster up');
    state = readState(dir)!;
  });

  after(async () => {
    if (state !== undefined) await stopAll(state);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs each order-path process under its policy, and again after a restart', {
    skip: root ? false : 'needs root to set a real-time policy',
  }, async () => {
    const s = state!;
    assert.equal(s.orderPathPriority, 'rr:10');
    checkPolicies(s);
    for (const name of ['gateway1', 'nats']) {
      const pid = s.processes.find((p) => p.name === name)!.pid;
      process.kill(pid, 'SIGKILL');
      await waitGone(pid);
      await restartProcess(s, name);
    }
    checkPolicies(s);
  });

  it('refuses a bad spec before starting anything', async () => {
    const other = mkdtempSync(join(tmpdir(), 'bourse-cluster-rt-bad-'));
    const args = ['--data-dir', other, '--order-path-priority', 'rr:100'];
    await assert.rejects(clusterUpCommand(args), /--order-path-priority must be/);
    assert.deepEqual(readdirSync(other), []);
    rmSync(other, { recursive: true, force: true });
  });
});
