// `bourse cluster status` with nats-server gone (stopped, crashed, or never started) answers at once
// with exit code 2, says which address did not answer, and lists the processes `cluster up` started,
// each running or not: an operator mid-incident learns what is down instead of waiting on a hung
// command.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeState } from '../src/cluster/cluster-state.ts';
import { BOURSE_MAIN } from '../src/cluster/spawn-ready.ts';

const main = BOURSE_MAIN;

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('cluster status without nats-server says so and shows which processes run', {
  timeout: 120_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-status-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const natsUrl = `nats://127.0.0.1:${await closedPort()}`;
  // A pid that is certainly gone: a child that has exited.
  const gone = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => gone.once('exit', resolve));
  writeState({
    dataDir: dir,
    url: 'http://127.0.0.1:1',
    prefix: 'bourse',
    natsUrl,
    pgUrl: 'postgres://127.0.0.1:1/bourse',
    etcd: [],
    ports: {},
    hashEvery: 1_000,
    rateLimits: true,
    processes: [
      { name: 'node1', kind: 'node', pid: process.pid, log: join(dir, 'node1.log') },
      { name: 'nats', kind: 'nats', pid: gone.pid ?? 0, log: join(dir, 'nats.log') },
    ],
  });
  const child = spawn(process.execPath, [main, 'cluster', 'status', '--data-dir', dir]);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 2, stderr);
  assert.match(stderr, new RegExp(`nats-server at ${natsUrl} does not answer`));
  assert.match(stderr, /node1\s+node\s+pid \d+\s+running/);
  assert.match(stderr, /nats\s+nats\s+pid \d+\s+NOT RUNNING/);
});
