// A journal's durable records for an in-process replay (`bourse replay`, `bourse snapshot`), read on
// a thread of their own: walking the frames and checking the checksums is about a third of a
// replay's work, and on a second core it overlaps the replaying thread's decoding and applying. A
// short journal is read in this thread (starting a thread costs more than reading it).

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  type DamageKind,
  JournalCorruptError,
  type JournalView,
  journalChunks,
  type RecordChunk,
} from '@bourse/journal';

/**
 * A journal directory smaller than this is read in the calling thread: starting a thread costs more
 * than reading it (a binary command record takes about 70 bytes on disk with its frame).
 */
export const READER_THREAD_MIN_BYTES = 8 * 1024 * 1024;
/** A range of fewer records than this, known in advance, is read in the calling thread. */
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
 * A thread that will read a journal: started before the journal is opened, so its start-up (a
 * thread, its modules) overlaps the open's scan instead of delaying the first chunk.
 */
export class JournalReaderThread {
  readonly #worker: Worker;
  readonly #inbox: Inbox;
  readonly #flags = new SharedArrayBuffer(8);
  #used = false;

  private constructor() {
    this.#worker = new Worker(new URL('./journal-reader-worker.ts', import.meta.url), {
      workerData: { flags: this.#flags },
    });
    this.#inbox = new Inbox(this.#worker);
  }

  /**
   * A reader thread for the journal in `dir`, or undefined where reading it here is cheaper (`auto`:
   * by the directory's size, `dir` is only read then).
   */
  static start(dir: string, thread: boolean | 'auto' = 'auto'): JournalReaderThread | undefined {
    const onThread = thread === 'auto' ? directoryBytes(dir) >= READER_THREAD_MIN_BYTES : thread;
    return onThread ? new JournalReaderThread() : undefined;
  }

  /**
   * The durable records of `journal` (open in this process) from `fromSeq`, checked as
   * `journalChunks` checks them. Once per thread; the thread stops when they end or the caller stops.
   */
  async *chunks(journal: JournalView, fromSeq: number): AsyncIterable<RecordChunk> {
    if (this.#used) throw new Error('a journal reader thread reads once');
    this.#used = true;
    try {
      if (fromSeq > journal.durableSeq) return;
      const job: ReaderJob = {
        dir: journal.dir,
        fromSeq,
        bound: journal.durableSeq,
        checkedFrom: journal.checkedFromSeq,
        checkedThrough: journal.openedAtSeq,
        chunkBytes: CHUNK_BYTES,
      };
      this.#worker.postMessage(job);
      const flags = new Int32Array(this.#flags);
      for (;;) {
        const message = await this.#inbox.next();
        if (message.kind === 'end') return;
        if (message.kind === 'corrupt') throw corruptError(message);
        if (message.kind === 'failed') throw new Error(`${message.name}: ${message.message}`);
        yield message;
        Atomics.add(flags, CONSUMED, 1);
        Atomics.notify(flags, CONSUMED);
      }
    } finally {
      await this.stop();
    }
  }

  async stop(): Promise<void> {
    const flags = new Int32Array(this.#flags);
    Atomics.store(flags, STOP, 1);
    Atomics.notify(flags, CONSUMED);
    await this.#worker.terminate();
  }
}

/** Durable records from `fromSeq`, on `reader`'s thread when there is one, else in this thread. */
export function replayChunks(
  journal: JournalView,
  fromSeq: number,
  reader: JournalReaderThread | undefined,
): Iterable<RecordChunk> | AsyncIterable<RecordChunk> {
  return reader === undefined ? journalChunks(journal, fromSeq) : reader.chunks(journal, fromSeq);
}

function directoryBytes(dir: string): number {
  let bytes = 0;
  try {
    for (const name of readdirSync(dir)) {
      bytes += statSync(join(dir, name), { throwIfNoEntry: false })?.size ?? 0;
    }
  } catch {
    // No directory yet: nothing to read (the journal's open says what is wrong).
  }
  return bytes;
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
