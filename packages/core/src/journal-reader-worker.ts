// The thread that reads a journal for an in-process replay (`journal-reader-thread.ts`): it walks
// and checksums the records in chunks and hands each chunk's buffers to the replaying thread, so
// reading the disk runs on the other core while that thread decodes and applies.

import { parentPort, workerData } from 'node:worker_threads';
import { JournalCorruptError, readRecordChunks } from '@bourse/journal';
import {
  AHEAD_CHUNKS,
  CONSUMED,
  type ReaderJob,
  type ReaderMessage,
  STOP,
} from './journal-reader-thread.ts';

const flags = new Int32Array((workerData as { flags: SharedArrayBuffer }).flags);
const port = parentPort!;

function post(message: ReaderMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

// The job comes once the replaying thread has opened the journal (this thread starts meanwhile).
port.once('message', (job: ReaderJob) => read(job));

function read(job: ReaderJob): void {
  try {
    let posted = 0;
    const chunks = readRecordChunks(job.dir, job.fromSeq, job.bound, {
      chunkBytes: job.chunkBytes,
      checkedFrom: job.checkedFrom,
      checkedThrough: job.checkedThrough,
    });
    for (const chunk of chunks) {
      // Waits (without spinning) while the replaying thread is AHEAD_CHUNKS behind, so a journal
      // larger than memory is never read into it whole.
      for (;;) {
        if (Atomics.load(flags, STOP) !== 0) process.exit(0);
        const consumed = Atomics.load(flags, CONSUMED);
        if (posted - consumed < AHEAD_CHUNKS) break;
        Atomics.wait(flags, CONSUMED, consumed);
      }
      const { payloads } = chunk;
      // The chunk's own array has room for the most records a chunk holds: only its used part goes.
      const ends = chunk.ends.slice();
      post({ kind: 'chunk', firstSeq: chunk.firstSeq, count: chunk.count, payloads, ends }, [
        payloads.buffer as ArrayBuffer,
        ends.buffer as ArrayBuffer,
      ]);
      posted++;
    }
    post({ kind: 'end' });
  } catch (error) {
    if (error instanceof JournalCorruptError) {
      const { segment, offset, kind, seq, message } = error;
      post({ kind: 'corrupt', segment, offset, damage: kind, seq, message });
    } else {
      const e = error as Error;
      post({ kind: 'failed', name: e.name ?? 'Error', message: e.message ?? String(error) });
    }
  }
}
