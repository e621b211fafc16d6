// When a journal write fails because the disk is full, the batch is written again, whole, once space
// may be back: the pages of a failed write are rewritten rather than trusted to a retried sync (after a
// failed fsync Linux may have dropped them), so a retry that succeeds is as durable as a first write.
// Any other I/O error stays final (decision 0104).

/** Errors that mean "no space now", which freeing space can cure. */
const SPACE_ERRORS = new Set(['ENOSPC', 'EDQUOT']);

export function isSpaceError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && SPACE_ERRORS.has(code);
}

/** Delay before retry `attempt` (0-based): 50 ms doubling to 2 s, so a freed disk is used soon. */
export function retryDelayMs(attempt: number): number {
  return Math.min(2_000, 50 * 2 ** Math.min(attempt, 6));
}

/** A sleep that `wake()` ends early (close() does not wait out a backoff). */
export class RetrySleep {
  #wake: (() => void) | undefined;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.#wake = undefined;
        resolve();
      }
      this.#wake = done;
    });
  }

  wake(): void {
    this.#wake?.();
  }
}
