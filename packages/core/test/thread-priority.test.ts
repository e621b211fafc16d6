// The read-model thread yields to order entry: lowering the priority affects the calling thread only.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';

test('a worker lowers its own priority and not the process’s', {
  skip: process.platform !== 'linux',
}, async () => {
  const before = getPriority();
  const source = `
    const { parentPort } = require('node:worker_threads');
    const { readlinkSync } = require('node:fs');
    const { getPriority } = require('node:os');
    import(${JSON.stringify(new URL('../src/thread-priority.ts', import.meta.url).href)}).then((m) => {
      const lowered = m.lowerThisThreadPriority(7);
      const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
      parentPort.postMessage({ lowered, nice: getPriority(tid) });
    });
  `;
  const worker = new Worker(source, { eval: true });
  const reply = await new Promise<{ lowered: boolean; nice: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.equal(reply.lowered, before < 7);
  assert.equal(reply.nice, Math.max(before, 7));
  assert.equal(getPriority(), before, 'the main thread keeps its priority');
});

test('zero or negative niceness leaves the thread alone', async () => {
  const { lowerThisThreadPriority } = await import('../src/thread-priority.ts');
  assert.equal(lowerThisThreadPriority(0), false);
  assert.equal(lowerThisThreadPriority(-5), false);
});

test('a worker puts itself under SCHED_IDLE and the main thread keeps its policy', {
  skip: process.platform !== 'linux',
}, async () => {
  const { thisThreadPolicy, SCHED_IDLE } = await import('../src/thread-priority.ts');
  const mainPolicy = thisThreadPolicy();
  const source = `
    const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(new URL('../src/thread-priority.ts', import.meta.url).href)}).then((m) => {
      const idle = m.idleThisThread();
      parentPort.postMessage({ idle, policy: m.thisThreadPolicy(), again: m.idleThisThread() });
    });
  `;
  const worker = new Worker(source, { eval: true });
  const reply = await new Promise<{ idle: boolean; policy: number; again: boolean }>(
    (resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    },
  );
  await worker.terminate();
  assert.equal(reply.idle, true, 'chrt (util-linux) sets SCHED_IDLE on Linux');
  assert.equal(reply.policy, SCHED_IDLE);
  assert.equal(reply.again, true, 'asking twice is harmless');
  assert.equal(thisThreadPolicy(), mainPolicy, 'the main thread keeps its policy');
  assert.notEqual(mainPolicy, SCHED_IDLE);
});

/** The niceness of a thread as its stat says (field 19), the way `ps` and the scheduler see it. */
function statNice(pid: number, tid = pid): number {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19 - 3]);
}

/**
 * The niceness of a process's autogroup, or undefined in the root's: a session that never called
 * setsid since boot (a container's first process and everything it starts without a session of its
 * own) shares the root's group, and Linux shows its autogroup file empty.
 */
const autogroupNice = (pid: number | 'self'): number | undefined => {
  const shown = /nice (-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, 'latin1'));
  return shown === null ? undefined : Number(shown[1]);
};

test('a detached process tree is lowered thread by thread and in its own autogroup', {
  skip: process.platform !== 'linux' || !existsSync('/proc/self/autogroup'),
}, async (t) => {
  const { lowerProcessTree } = await import('../src/thread-priority.ts');
  // A session leader with a child of its own, as a daemon and the processes it starts.
  const child = spawn('sh', ['-c', 'sleep 30 & wait'], { detached: true, stdio: 'ignore' });
  t.after(() => process.kill(-child.pid!, 'SIGKILL'));
  const pid = child.pid!;
  let grandchild: number | undefined;
  while (grandchild === undefined) {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim();
    if (kids !== '') grandchild = Number(kids.split(' ')[0]);
    else await new Promise((r) => setTimeout(r, 10));
  }
  const ownBefore = autogroupNice('self');
  const callerBefore = getPriority();
  assert.equal(await lowerProcessTree(pid, 7), 2);
  for (const p of [pid, grandchild]) {
    for (const tid of readdirSync(`/proc/${p}/task`).map(Number)) assert.equal(statNice(p, tid), 7);
  }
  assert.equal(autogroupNice(pid), 7, 'the session’s autogroup is lowered');
  assert.equal(autogroupNice('self'), ownBefore, 'the caller’s own autogroup is left alone');
  assert.equal(getPriority(), callerBefore, 'the caller keeps its priority');
  assert.equal(await lowerProcessTree(pid, 5), 0, 'never raised again');
  assert.equal(statNice(pid), 7);
});

test('a child in the caller’s own session is lowered without touching the shared autogroup', {
  skip: process.platform !== 'linux' || !existsSync('/proc/self/autogroup'),
}, async (t) => {
  const { lowerProcessTree } = await import('../src/thread-priority.ts');
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  const ownBefore = autogroupNice('self');
  assert.equal(await lowerProcessTree(child.pid!, 9), 1);
  assert.equal(statNice(child.pid!), 9);
  assert.equal(autogroupNice('self'), ownBefore);
});
