// Hands password hashes to their own thread (`password-worker.ts`), one at a time, from a bounded
// queue: a login burst waits here, never in libuv's thread pool ahead of journal writes and signature
// checks. A job that cannot start within its deadline, or finds the queue full, fails with OVERLOADED
// (503, Retry-After) instead of holding its request open. The thread starts on first use and does not
// keep the process alive while idle.

import { Worker } from 'node:worker_threads';
import type { HashJob, HashResult } from './password-worker.ts';

export interface PasswordHasherOptions {
  /** Jobs waiting for the thread; more are refused at once. */
  readonly maxQueued: number;
  /** A job not started within this long is refused (the thread is starved or far behind). */
  readonly maxWaitMs: number;
}

export const DEFAULT_HASHER_OPTIONS: PasswordHasherOptions = { maxQueued: 256, maxWaitMs: 10_000 };

interface Pending {
  readonly job: HashJob;
  readonly deadline: number;
  readonly resolve: (key: Buffer) => void;
  readonly reject: (error: Error) => void;
}

function overloaded(message: string): Error {
  return Object.assign(new Error(message), { code: 'OVERLOADED' });
}

export class PasswordHasher {
  readonly #options: PasswordHasherOptions;
  readonly #queue: Pending[] = [];
  #worker: Worker | undefined;
  #running: Pending | undefined;
  #nextId = 1;
  /** Hashes computed so far (for tests and metrics). */
  completed = 0;

  constructor(options: Partial<PasswordHasherOptions> = {}) {
    this.#options = { ...DEFAULT_HASHER_OPTIONS, ...options };
  }

  /** scrypt(password, salt) on the hashing thread. */
  derive(
    password: string,
    salt: Buffer,
    params: { n: number; r: number; p: number },
    keyLen: number,
  ) {
    if (this.#queue.length >= this.#options.maxQueued) {
      return Promise.reject(overloaded('Too many password checks are waiting; retry shortly.'));
    }
    return new Promise<Buffer>((resolve, reject) => {
      const job: HashJob = { id: this.#nextId++, password, salt, ...params, keyLen };
      this.#queue.push({ job, deadline: Date.now() + this.#options.maxWaitMs, resolve, reject });
      this.#pump();
    });
  }

  /** Jobs waiting or running. */
  get pending(): number {
    return this.#queue.length + (this.#running === undefined ? 0 : 1);
  }

  /** Stops the thread; waiting jobs fail. */
  async close(): Promise<void> {
    for (const p of this.#queue.splice(0)) p.reject(overloaded('The password hasher stopped.'));
    this.#running?.reject(overloaded('The password hasher stopped.'));
    this.#running = undefined;
    const w = this.#worker;
    this.#worker = undefined;
    await w?.terminate();
  }

  #pump(): void {
    if (this.#running !== undefined) return;
    const now = Date.now();
    let next = this.#queue.shift();
    while (next !== undefined && next.deadline < now) {
      next.reject(overloaded('Password checks are backed up; retry shortly.'));
      next = this.#queue.shift();
    }
    const worker = this.#worker;
    if (next === undefined) {
      worker?.unref();
      return;
    }
    this.#running = next;
    const w = worker ?? this.#start();
    w.ref();
    w.postMessage(next.job);
  }

  #start(): Worker {
    const w = new Worker(new URL('./password-worker.ts', import.meta.url));
    w.on('message', (result: HashResult) => {
      const done = this.#running;
      if (done === undefined || done.job.id !== result.id) return;
      this.#running = undefined;
      this.completed++;
      if ('key' in result) done.resolve(Buffer.from(result.key));
      else done.reject(new Error(`password hash failed: ${result.error}`));
      this.#pump();
    });
    w.on('error', (error) => {
      // The thread died: fail what it held and start a fresh one for the rest.
      if (this.#worker === w) this.#worker = undefined;
      this.#running?.reject(error);
      this.#running = undefined;
      this.#pump();
    });
    this.#worker = w;
    return w;
  }
}

/** The process's hasher: every password hash and check goes through it. */
export const passwordHasher = new PasswordHasher();
