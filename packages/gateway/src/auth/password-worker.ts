// The password hashing thread: scrypt, one hash at a time, at idle priority. Hashes run here rather
// than on libuv's thread pool, where each would hold one of its four threads for tens of milliseconds
// while journal writes and signature checks queued behind it (docs/decisions/0520).

import { scryptSync } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { idleThisThread, lowerThisThreadPriority } from '@bourse/core/thread-priority';

export interface HashJob {
  readonly id: number;
  readonly password: string;
  readonly salt: Uint8Array;
  readonly n: number;
  readonly r: number;
  readonly p: number;
  readonly keyLen: number;
}

export type HashResult =
  | { readonly id: number; readonly key: Uint8Array }
  | { readonly id: number; readonly error: string };

if (!idleThisThread()) lowerThisThreadPriority(19);

parentPort?.on('message', (job: HashJob) => {
  let result: HashResult;
  try {
    const key = scryptSync(job.password, job.salt, job.keyLen, {
      N: job.n,
      r: job.r,
      p: job.p,
      maxmem: 64 * 1024 * 1024,
    });
    result = { id: job.id, key };
  } catch (error) {
    result = { id: job.id, error: String((error as Error).message ?? error) };
  }
  parentPort?.postMessage(result);
});
