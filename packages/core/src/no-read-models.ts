// A core opened without read models (a cluster's engine node: its read models are the projector's, in
// PostgreSQL). Nothing is stored and no read-model thread runs, so the node spends no CPU on SQL writes;
// every read-model query is refused with an error that says so, never answered from nothing.

import type { MessagePort } from 'node:worker_threads';
import type { ReadModels } from '@bourse/projections';
import type { ReadModelSink } from './read-model-feeder.ts';

const ABSENT = 'this exchange core keeps no read models (a cluster node: they are in PostgreSQL)';

/** Takes the durable marks a feeder would and stores nothing: everything handed over is done. */
export class NoReadModels implements ReadModelSink {
  readonly idle = false;
  readonly failure = undefined;
  #seq: number;

  constructor(lastSeq: number) {
    this.#seq = lastSeq;
  }

  get appliedSeq(): number {
    return this.#seq;
  }

  get queuedSeq(): number {
    return this.#seq;
  }

  connectEngine(): MessagePort | undefined {
    return undefined;
  }

  durable(lastSeq: number): void {
    if (lastSeq > this.#seq) this.#seq = lastSeq;
  }

  waitFor(): Promise<void> {
    return Promise.reject(new Error(ABSENT));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The read side of a core without read models: every query is refused. */
export function absentReadModels(): ReadModels {
  const refuse = () => Promise.reject(new Error(ABSENT));
  return new Proxy({} as ReadModels, {
    get: (_target, property) => (property === 'close' ? () => Promise.resolve() : refuse),
  });
}
