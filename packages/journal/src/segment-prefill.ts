// Zero-fills the current segment ahead of its writes, in the background, so that an `O_DSYNC`
// write lands on blocks the file already has: the disk then flushes only the data, while a write
// that extends the file must also wait for the file system's journal commit of the new size and
// extents (≈ twice the time here, and that commit carries whatever other processes changed
// meanwhile). Durability never depends on it: a write past the filled part is durable exactly as
// before, only slower. The zeros past the records read as a torn tail after a crash (cut at open);
// the journal cuts them itself when it rolls to the next segment or closes.
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';

/** Bytes filled per step, and kept ready ahead of the writes (default). */
export const DEFAULT_PREFILL_BYTES = 1024 * 1024;
/** Bytes left between the last write and a first fill, so the next writes need not wait for it. */
const FIRST_FILL_GAP = 64 * 1024;

export class SegmentPrefill {
  readonly #path: string;
  readonly #chunk: number;
  readonly #cap: number;
  /** The file holds zeros, durable with its size, up to here (past the last write). */
  #filled: number;
  #handle: FileHandle | undefined;
  #fill: { from: number; done: Promise<void> } | undefined;
  /** A fill failed (e.g. the disk is full): writes go on extending the file. */
  #stopped = false;
  #closed = false;

  /**
   * `size`: the file's current size; `cap`: fill no further than this (the segment's size);
   * `chunk`: bytes per fill (0: never fill).
   */
  constructor(path: string, size: number, cap: number, chunk: number) {
    this.#path = path;
    this.#filled = size;
    this.#cap = cap;
    this.#chunk = chunk;
    if (chunk <= 0) this.#stopped = true;
  }

  /** Where the zero-filled part ends (for tests and figures). */
  get filledTo(): number {
    return this.#filled;
  }

  /** Waits for a fill in progress that reaches below `end`, before a write up to `end` starts. */
  async before(end: number): Promise<void> {
    const fill = this.#fill;
    if (fill !== undefined && end > fill.from) await fill.done;
  }

  /** After a write that ended at `end`: starts the next fill when less than a chunk is ready. */
  after(end: number): void {
    if (this.#stopped || this.#closed || this.#fill !== undefined) return;
    if (this.#filled - end >= this.#chunk) return;
    const from = this.#filled > end ? this.#filled : end + FIRST_FILL_GAP;
    const bytes = Math.min(this.#chunk, this.#cap - from);
    if (bytes <= 0) return;
    const done = this.#zero(from, bytes).then(
      () => {
        this.#filled = from + bytes;
        this.#fill = undefined;
      },
      () => {
        this.#stopped = true;
        this.#fill = undefined;
      },
    );
    this.#fill = { from, done };
  }

  async #zero(from: number, bytes: number): Promise<void> {
    // Its own descriptor without O_DSYNC: one fdatasync for the whole fill, not one per write.
    this.#handle ??= await open(this.#path, constants.O_WRONLY);
    const zeros = Buffer.alloc(Math.min(bytes, 256 * 1024));
    for (let at = 0; at < bytes; ) {
      const n = Math.min(zeros.length, bytes - at);
      const { bytesWritten } = await this.#handle.write(zeros, 0, n, from + at);
      at += bytesWritten;
    }
    await this.#handle.datasync();
  }

  /** Waits for the fill in progress and releases the descriptor; fills no more. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#fill?.done;
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }
}
