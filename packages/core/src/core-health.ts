// The core's health as health checks, metrics and logs report it: `ok`; `stalled` while the journal
// cannot write for lack of space (trading is refused with JOURNAL_STALLED, the failed batch is
// retried, and the core is `ok` again once it is written); `failed` once the core has stopped for
// good (a supervisor should restart the process, which recovers from the journal).

import type { CoreHealth } from './exchange-core.ts';

/** What the core needs of its journal's storage to report a stall (the file journal has it). */
export interface StallSource {
  readonly stalled: Error | undefined;
  readonly writeErrors: number;
  onStall: (error: Error | undefined) => void;
}

export class HealthTracker {
  readonly #now: () => number;
  readonly #storage: StallSource;
  readonly #listeners = new Set<(health: CoreHealth) => void>();
  #state: CoreHealth['state'] = 'ok';
  #cause: string | undefined;
  #since: number;

  constructor(storage: StallSource, now: () => number = Date.now) {
    this.#now = now;
    this.#storage = storage;
    this.#since = now();
    storage.onStall = (error) => {
      if (this.#state === 'failed') return;
      if (error === undefined) this.#set('ok', undefined);
      else this.#set('stalled', `journal cannot write: ${error.message}`);
    };
  }

  current(): CoreHealth {
    const base = {
      state: this.#state,
      since: this.#since,
      journalWriteErrors: this.#storage.writeErrors,
    };
    return this.#cause === undefined ? base : { ...base, cause: this.#cause };
  }

  failed(error: Error): void {
    if (this.#state !== 'failed') this.#set('failed', error.message);
  }

  watch(listener: (health: CoreHealth) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(state: CoreHealth['state'], cause: string | undefined): void {
    this.#state = state;
    this.#cause = cause;
    this.#since = this.#now();
    const health = this.current();
    for (const listener of this.#listeners) {
      try {
        listener(health);
      } catch {
        // A listener's failure (a log sink) must not stop the exchange.
      }
    }
  }
}
