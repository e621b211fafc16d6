// The read-model thread yields to order entry: lowering the priority affects the calling thread only.

import assert from 'node:assert/strict';
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
