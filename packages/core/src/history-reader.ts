// Time-travel reads for a live core: each runs on a thread of its own over the data directory's
// snapshots and durable journal (read without the writer's lock), one at a time, so a read that
// replays many records neither blocks the gateway's thread nor takes both cores from order entry.

import { Worker } from 'node:worker_threads';
import {
  type HistoryErrorCode,
  HistoryError,
  type HistoryQuery,
  type HistoryState,
} from './time-travel.ts';

export interface HistoryJob {
  readonly dataDir: string;
  readonly lastSeq: number;
  readonly query: HistoryQuery;
}

export type HistoryReply =
  | { readonly ok: true; readonly state: HistoryState }
  | {
      readonly ok: false;
      readonly history?: { readonly code: HistoryErrorCode; readonly field: string };
      readonly message: string;
    };

export class HistoryReader {
  readonly #dataDir: string;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.#dataDir = dataDir;
  }

  /** The state as of `query.target`, no later than `lastSeq` (the durable seq). */
  read(query: HistoryQuery, lastSeq: () => number): Promise<HistoryState> {
    const run = this.#tail.then(() =>
      this.#run({ dataDir: this.#dataDir, lastSeq: lastSeq(), query }),
    );
    this.#tail = run.catch(() => {});
    return run;
  }

  #run(job: HistoryJob): Promise<HistoryState> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./history-worker.ts', import.meta.url), {
        workerData: job,
      });
      let settled = false;
      worker.once('message', (reply: HistoryReply) => {
        settled = true;
        if (reply.ok) resolve(reply.state);
        else if (reply.history !== undefined) {
          reject(new HistoryError(reply.history.code, reply.history.field, reply.message));
        } else reject(new Error(reply.message));
      });
      worker.once('error', (error) => {
        settled = true;
        reject(error);
      });
      worker.once('exit', (code) => {
        if (!settled) reject(new Error(`history reader thread exited with code ${code}`));
      });
    });
  }
}
