// A journal's durable records for an in-process replay (`bourse replay`, `bourse snapshot`), read on
// a thread of their own: walking the frames and checking the checksums is about a third of a
// replay's work, and on a second core it overlaps the replaying thread's decoding and applying. A
// short range is read in this thread (starting a thread costs more than reading it).

import { Worker } from 'node:worker_threads';
import {
  type DamageKind,
  JournalCorruptError,
  type JournalView,
  journalChunks,
  type RecordChunk,
} from '@bourse/journal';

/** Ranges shorter than this are read in the calling thread. */
export const READER_THREAD_MIN_RECORDS = 100_000;
/** Payload bytes per chunk: a few thousand commands, so the two threads start overlapping at once. */
const CHUNK_BYTES = 256 * 1024;
/** Chunks the reader may be ahead of the replaying thread (bounds the memory it holds). */
export const AHEAD_CHUNKS = 8;
/** Slots of the shared flags: chunks the replaying thread is done with, and its request to stop. */
export const CONSUMED = 0;
export const STOP = 1;

export interface ReaderJob {
  readonly dir: string;
  readonly fromSeq: number;
  readonly bound: number;
  readonly checkedFrom: number;
  readonly checkedThrough: number;
  readonly chunkBytes: number;
  readonly flags: SharedArrayBuffer;
}

export type ReaderMessage =
  | {
      readonly kind: 'chunk';
      readonly firstSeq: number;
      readonly count: number;
      readonly payloads: Uint8Array;
      readonly ends: Uint32Array;
    }
  | { readonly kind: 'end' }
  | {
      readonly kind: 'corrupt';
      readonly segment: string;
      readonly offset: number;
      readonly damage: DamageKind | undefined;
      readonly seq: number | undefined;
      readonly message: string;
    }
  | { readonly kind: 'failed'; readonly name: string; readonly message: string };

/**
 * The journal's durable records from `fromSeq` in chunks, checked as `journalChunks` checks them;
 * read on a thread of their own unless the range is short or `thread` says otherwise.
 */
export function replayChunks(
  journal: JournalView,
  fromSeq: number,
  thread: boolean | 'auto' = 'auto',
): Iterable<RecordChunk> | AsyncIterable<RecordChunk> {
  const records = journal.durableSeq - fromSeq + 1;
  const onThread = thread === 'auto' ? records >= READER_THREAD_MIN_RECORDS : thread;
  if (!onThread || records <= 0) return journalChunks(journal, fromSeq);
  return chunksFromThread({
    dir: journal.dir,
    fromSeq,
    bound: journal.durableSeq,
    checkedFrom: journal.checkedFromSeq,
    checkedThrough: journal.openedAtSeq,
    chunkBytes: CHUNK_BYTES,
    flags: new SharedArrayBuffer(8),
  });
}

async function* chunksFromThread(job: ReaderJob): AsyncIterable<RecordChunk> {
  const flags = new Int32Array(job.flags);
  const worker = new Worker(new URL('./journal-reader-worker.ts', import.meta.url), {
    workerData: job,
  });
  const inbox = new Inbox(worker);
  try {
    for (;;) {
      const message = await inbox.next();
      if (message.kind === 'end') return;
      if (message.kind === 'corrupt') throw corruptError(message);
      if (message.kind === 'failed') throw new Error(`${message.name}: ${message.message}`);
      yield message;
      Atomics.add(flags, CONSUMED, 1);
      Atomics.notify(flags, CONSUMED);
    }
  } finally {
    Atomics.store(flags, STOP, 1);
    Atomics.notify(flags, CONSUMED);
    await worker.terminate();
  }
}

function corruptError(m: ReaderMessage & { kind: 'corrupt' }): JournalCorruptError {
  const error = new JournalCorruptError(m.segment, m.offset, '', {
    ...(m.damage === undefined ? {} : { kind: m.damage }),
    ...(m.seq === undefined ? {} : { seq: m.seq }),
  });
  // The reader's own wording (its reason is part of it).
  error.message = m.message;
  return error;
}

/** The worker's messages in order, and its death as a failure of the next one awaited. */
class Inbox {
  readonly #queue: ReaderMessage[] = [];
  #waiter: ((message: ReaderMessage) => void) | undefined;
  #failure: ReaderMessage | undefined;

  constructor(worker: Worker) {
    worker.on('message', (message: ReaderMessage) => this.#push(message));
    worker.on('error', (error: Error) => {
      this.#fail({ kind: 'failed', name: error.name, message: error.message });
    });
    worker.on('exit', (code) => {
      this.#fail({ kind: 'failed', name: 'Error', message: `journal reader exited (${code})` });
    });
  }

  next(): Promise<ReaderMessage> {
    const queued = this.#queue.shift() ?? this.#failure;
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  #push(message: ReaderMessage): void {
    const waiter = this.#waiter;
    if (waiter === undefined) this.#queue.push(message);
    else {
      this.#waiter = undefined;
      waiter(message);
    }
  }

  #fail(message: ReaderMessage): void {
    this.#failure ??= message;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.(this.#failure);
  }
}
