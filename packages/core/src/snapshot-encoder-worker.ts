// The snapshot encoder thread (see snapshot-encoder.ts): bytes from captures, one at a time.

import { parentPort, workerData } from 'node:worker_threads';
import { encodeSnapshot } from '@bourse/engine';
import type { FromEncoder, ToEncoder } from './snapshot-encoder.ts';
import { lowerThisThreadPriority } from './thread-priority.ts';

lowerThisThreadPriority((workerData as { nice: number }).nice);
const port = parentPort!;

port.on('message', ({ id, capture }: ToEncoder) => {
  let reply: FromEncoder;
  try {
    reply = { id, bytes: encodeSnapshot(capture) };
  } catch (error) {
    reply = { id, error: (error as Error).message };
  }
  port.postMessage(reply, 'bytes' in reply ? [reply.bytes.buffer as ArrayBuffer] : []);
});
