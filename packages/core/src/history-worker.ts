// The thread a live core answers a time-travel read on (or recomputes a range of applied commands
// with their events): it restores a snapshot and replays journal records (up to the durable seq it
// is given), which would otherwise hold the gateway's thread.

import { parentPort, workerData } from 'node:worker_threads';
import { readRecords, SnapshotStore } from '@bourse/journal';
import { dataDirLayout, readEngineConfig } from './data-dir.ts';
import type { HistoryJob, HistoryReply } from './history-reader.ts';
import { appliedRange, HistoryError, type HistorySource, stateAt } from './time-travel.ts';

const job = workerData as HistoryJob;
const layout = dataDirLayout(job.dataDir);
let reply: HistoryReply;
try {
  const source: HistorySource = {
    snapshots: new SnapshotStore(layout.snapshotsDir),
    config: readEngineConfig(layout),
    lastSeq: job.lastSeq,
    // Bounded by the durable seq: records a live writer has only appended are never read.
    read: (fromSeq) => readRecords(layout.journalDir, fromSeq, job.lastSeq),
  };
  if (job.range !== undefined) {
    const { fromSeq, toSeq, limit } = job.range;
    reply = { ok: true, applied: appliedRange(source, fromSeq, toSeq, limit) };
  } else {
    reply = { ok: true, state: stateAt(source, job.query) };
  }
} catch (error) {
  const e = error as Error;
  reply =
    error instanceof HistoryError
      ? { ok: false, history: { code: error.code, field: error.field }, message: e.message }
      : { ok: false, message: e.message ?? String(error) };
}
parentPort!.postMessage(reply);
