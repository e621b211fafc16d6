// The runs of applied commands a cluster gateway keeps after delivering them, for the lean submit
// replies that come behind their events and take their commands from here instead of a replay. A
// command's events can only come after its submit was sent, so a run is kept exactly while some submit
// sent before it still waits for its reply, and no longer: whatever is kept and still young is
// copied by every scavenge of the gateway thread. A fixed window (the last 100 ms of runs) kept about
// 1,000 decoded commands at 10,000 orders/s whether or not a reply needed them, and under overload,
// when a reply came later than that, dropped runs a waiting reply needed, which it then fetched by
// replay. `maxCommands` bounds what is kept however far replies fall behind.

import type { AppliedCommand } from '@bourse/core';

export class DeliveredRuns {
  readonly #maxCommands: number;
  /** Kept runs, oldest first, and for each the number of submits opened before it was delivered. */
  #runs: (readonly AppliedCommand[])[] = [];
  #marks: number[] = [];
  #commands = 0;
  /** Submit tickets: the next one, and whether each from `#firstTicket` on still waits. */
  #nextTicket = 0;
  #firstTicket = 0;
  #waiting: boolean[] = [];

  constructor(maxCommands: number) {
    this.#maxCommands = maxCommands;
  }

  /** Runs kept; for tests. */
  get runs(): number {
    return this.#runs.length;
  }

  /** Commands kept; for tests. */
  get commands(): number {
    return this.#commands;
  }

  /** A submit is about to be sent: its ticket, for `close` once its reply has been read. */
  open(): number {
    this.#waiting.push(true);
    return this.#nextTicket++;
  }

  /** A submit has its commands (or failed): runs only it could need are dropped. */
  close(ticket: number): void {
    const at = ticket - this.#firstTicket;
    if (at < 0 || at >= this.#waiting.length) return;
    this.#waiting[at] = false;
    if (at !== 0) return;
    let n = 1;
    while (n < this.#waiting.length && !this.#waiting[n]) n++;
    this.#firstTicket += n;
    if (n === this.#waiting.length) this.#waiting = [];
    else this.#waiting.splice(0, n);
    this.#prune();
  }

  /** A run just delivered: kept while a submit sent before it waits (never when none does). */
  add(run: readonly AppliedCommand[]): void {
    if (this.#waiting.length === 0 || run.length === 0) return;
    this.#runs.push(run);
    this.#marks.push(this.#nextTicket);
    this.#commands += run.length;
    this.#prune();
  }

  /** The kept command with this seq, if any: runs are contiguous and in seq order. */
  find(seq: number): AppliedCommand | undefined {
    const runs = this.#runs;
    for (let k = runs.length - 1; k >= 0; k--) {
      const run = runs[k]!;
      const at = seq - run[0]!.seq;
      if (at >= 0) return at < run.length ? run[at] : undefined;
    }
    return undefined;
  }

  /** Drops the oldest runs no waiting submit can need, then any beyond `maxCommands` (not the newest). */
  #prune(): void {
    // The oldest submit still waiting; a run delivered before it was sent holds none of its commands.
    const oldest = this.#waiting.length === 0 ? this.#nextTicket : this.#firstTicket;
    let n = 0;
    const runs = this.#runs;
    while (n < runs.length && this.#marks[n]! <= oldest) this.#commands -= runs[n++]!.length;
    while (n < runs.length - 1 && this.#commands > this.#maxCommands) {
      this.#commands -= runs[n++]!.length;
    }
    if (n === 0) return;
    if (n === runs.length) {
      this.#runs = [];
      this.#marks = [];
    } else {
      runs.splice(0, n);
      this.#marks.splice(0, n);
    }
  }
}
