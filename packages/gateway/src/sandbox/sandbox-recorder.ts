// The sandbox's record of everything done to the exchange and its clients (clock operations, resets,
// scripted steps, injected faults), with the simulated and the wall time and what it targeted, so a
// bot author can see what their bot was subjected to (`GET /api/v1/sandbox/events`). Kept in memory
// for the life of the process, across resets; the oldest events go first past `capacity`.

import type { SandboxEvent } from '@bourse/protocol';

export type SandboxEventInput = {
  readonly kind: string;
  readonly action: string;
  /** The account it targeted; absent or null: exchange-wide. */
  readonly account?: number | null;
  readonly target?: string | null;
  readonly detail?: Record<string, unknown>;
  /** Who did it (an admin's username, `script`, `operator`). */
  readonly by: string;
};

export interface SandboxEventFilter {
  /** What targeted this account, and the exchange-wide events. */
  readonly account?: number | undefined;
  readonly kind?: string | undefined;
  /** Only ids greater than this. */
  readonly after?: number | undefined;
  readonly limit?: number | undefined;
}

export const DEFAULT_EVENT_CAPACITY = 100_000;

export class SandboxRecorder {
  readonly #now: () => number;
  readonly #wall: () => number;
  readonly #capacity: number;
  readonly #events: SandboxEvent[] = [];
  #nextId = 1;
  readonly #listeners = new Set<(event: SandboxEvent) => void>();

  /** `now`: the exchange's (simulated) clock; `wall`: the real one. */
  constructor(options: {
    now: () => number;
    wall?: () => number;
    capacity?: number;
  }) {
    this.#now = options.now;
    this.#wall = options.wall ?? Date.now;
    this.#capacity = options.capacity ?? DEFAULT_EVENT_CAPACITY;
  }

  /** Events recorded since the process started (also those dropped past the capacity). */
  get count(): number {
    return this.#nextId - 1;
  }

  record(input: SandboxEventInput): SandboxEvent {
    const event: SandboxEvent = {
      id: this.#nextId++,
      at: this.#now(),
      wallAt: this.#wall(),
      kind: input.kind,
      action: input.action,
      account: input.account ?? null,
      target: input.target ?? null,
      detail: input.detail ?? {},
      by: input.by,
    };
    this.#events.push(event);
    if (this.#events.length > this.#capacity)
      this.#events.splice(0, this.#events.length - this.#capacity);
    for (const listener of this.#listeners) listener(event);
    return event;
  }

  /** Oldest first; `limit` (default 1000) counts from the oldest match. */
  list(filter: SandboxEventFilter = {}): SandboxEvent[] {
    const limit = filter.limit ?? 1000;
    const out: SandboxEvent[] = [];
    for (const e of this.#events) {
      if (filter.after !== undefined && e.id <= filter.after) continue;
      if (filter.kind !== undefined && e.kind !== filter.kind) continue;
      if (filter.account !== undefined && e.account !== null && e.account !== filter.account)
        continue;
      out.push(e);
      if (out.length === limit) break;
    }
    return out;
  }

  /** Calls `listener` with each new event (a script runner, a log); returns the unsubscribe function. */
  watch(listener: (event: SandboxEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
