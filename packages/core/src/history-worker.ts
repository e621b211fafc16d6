// The thread a live core answers a time-travel read on: it restores a snapshot and replays journal
// records (up to the durable seq it is given), which would otherwise hold the gateway's thread.

import { parentPort, workerData } from 'node:worker_threads';
import { readRecords, SnapshotStore } from '@bourse/journal';
import { dataDirLayout, readEngineConfig } from './data-dir.ts';
import type { HistoryJob, HistoryReply } from './history-reader.ts';
import { HistoryError, stateAt } from './time-travel.ts';

const job = workerData as HistoryJob;
const layout = dataDirLayout(job.dataDir);
let reply: HistoryReply;
try {
  const state = stateAt(
    {
      snapshots: new SnapshotStore(layout.snapshotsDir),
      config: readEngineConfig(layout),
      lastSeq: job.lastSeq,
      // Bounded by the durable seq: records a live writer has only appended are never read.
      read: (fromSeq) => readRecords(layout.journalDir, fromSeq, job.lastSeq),
    },
    job.query,
  );
  reply = { ok: true, state };
} catch (error) {
  const e = error as Error;
  reply =
    error instanceof HistoryError
      ? { ok: false, history: { code: error.code, field: error.field }, message: e.message }
      : { ok: false, message: e.message ?? String(error) };
}
parentPort!.postMessage(reply);
