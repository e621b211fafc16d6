// Signs the journal's chain hash every so often while the core runs, and once more at a clean stop,
// so an auditor holding any of these checkpoints can later prove the records behind it unchanged
// (`bourse audit verify`). The signing key is the operator's, created on first start in the data
// directory (audit-key.pem, 0600). A checkpoint that fails to write is retried at the next interval:
// the journal, not the checkpoint, is what acknowledgements wait for.
import {
  type ChainHead,
  CheckpointWriter,
  loadOrCreateAuditKey,
  type OpenResult,
} from '@bourse/journal';

export const DEFAULT_CHECKPOINT_EVERY_MS = 10_000;

export class AuditCheckpointer {
  readonly #writer: CheckpointWriter;
  readonly #head: () => ChainHead;
  readonly #clock: () => number;
  readonly #timer: NodeJS.Timeout;
  #writing: Promise<unknown> = Promise.resolve();
  #written = -1;
  /** Checkpoints written by this core. */
  count = 0;

  private constructor(
    writer: CheckpointWriter,
    head: () => ChainHead,
    clock: () => number,
    everyMs: number,
  ) {
    this.#writer = writer;
    this.#head = head;
    this.#clock = clock;
    this.#timer = setInterval(() => this.#tick(), everyMs);
    this.#timer.unref();
  }

  /**
   * Loads (or creates) the key and starts checkpointing `head()`; a journal just migrated from the
   * unchained format gets its genesis checkpoint first, and a journal whose head no checkpoint has
   * signed yet gets one at once.
   */
  static async start(opts: {
    keyPath: string;
    journalDir: string;
    head: () => ChainHead;
    recovery: OpenResult['recovery'];
    clock: () => number;
    everyMs?: number | undefined;
  }): Promise<AuditCheckpointer> {
    const writer = new CheckpointWriter(opts.journalDir, loadOrCreateAuditKey(opts.keyPath));
    const self = new AuditCheckpointer(
      writer,
      opts.head,
      opts.clock,
      opts.everyMs ?? DEFAULT_CHECKPOINT_EVERY_MS,
    );
    const migrated = opts.recovery.migrated;
    if (migrated !== undefined) {
      await writer.write({
        seq: migrated.seq,
        chain: migrated.chain,
        at: opts.clock(),
        genesisFromSeq: migrated.fromSeq,
      });
      self.count++;
    }
    await self.checkpoint();
    return self;
  }

  /** Signs the current head unless it is already signed. */
  checkpoint(): Promise<unknown> {
    this.#writing = this.#writing.then(async () => {
      const head = this.#head();
      if (head.seq === this.#written) return;
      await this.#writer.write({ ...head, at: this.#clock() });
      this.#written = head.seq;
      this.count++;
    });
    return this.#writing;
  }

  #tick(): void {
    this.checkpoint().catch(() => {
      // The next interval tries again; the chain itself is in the journal either way.
    });
  }

  /** Stops the timer and signs the final head (call after the journal's last commit). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#writing.catch(() => {});
    try {
      await this.checkpoint();
    } finally {
      await this.#writer.close();
    }
  }
}
