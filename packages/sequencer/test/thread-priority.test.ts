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
