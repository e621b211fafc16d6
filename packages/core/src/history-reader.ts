// Time-travel reads for a live core: each runs on a thread of its own over the data directory's
// snapshots and durable journal (read without the writer's lock), one at a time, so a read that
// replays many records neither blocks the gateway's thread nor takes both cores from order entry.

import { Worker } from 'node:worker_threads';
import type { AppliedCommand } from './exchange-core.ts';
import {
  type HistoryErrorCode,
  HistoryError,
  type HistoryQuery,
  type HistoryState,
} from './time-travel.ts';

/** A range of durable commands to recompute with their events (see `appliedRange`). */
export interface AppliedRangeRequest {
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly limit: number;
}

export type HistoryJob = {
  readonly dataDir: string;
  readonly lastSeq: number;
} & (
  | { readonly query: HistoryQuery; readonly range?: undefined }
  | { readonly range: AppliedRangeRequest; readonly query?: undefined }
);

export type HistoryReply =
  | { readonly ok: true; readonly state: HistoryState }
  | { readonly ok: true; readonly applied: AppliedCommand[] }
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
  async read(query: HistoryQuery, lastSeq: () => number): Promise<HistoryState> {
    const reply = await this.#queue(() => ({ dataDir: this.#dataDir, lastSeq: lastSeq(), query }));
    if (!('state' in reply)) throw new Error('history reader thread answered another job');
    return reply.state;
  }

  /** Durable commands of `range` (no later than `lastSeq`) with their events, recomputed. */
  async appliedRange(range: AppliedRangeRequest, lastSeq: () => number): Promise<AppliedCommand[]> {
    const reply = await this.#queue(() => ({ dataDir: this.#dataDir, lastSeq: lastSeq(), range }));
    if (!('applied' in reply)) throw new Error('history reader thread answered another job');
    return reply.applied;
  }

  #queue(job: () => HistoryJob): Promise<HistoryReply & { ok: true }> {
    const run = this.#tail.then(() => this.#run(job()));
    this.#tail = run.catch(() => {});
    return run;
  }

  #run(job: HistoryJob): Promise<HistoryReply & { ok: true }> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./history-worker.ts', import.meta.url), {
        workerData: job,
      });
      let settled = false;
      worker.once('message', (reply: HistoryReply) => {
        settled = true;
        if (reply.ok) resolve(reply);
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
