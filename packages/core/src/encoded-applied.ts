// An applied command that keeps the bytes it came as: its journal record and its entry of the engine
// thread's event batch, decoded into event objects only when something reads `events`. A cluster node
// forwards most commands without reading their events (it publishes the bytes, see the cluster's
// `encodeEventsMessage`), so building and collecting the objects would be its largest cost per order.

import {
  CodecError,
  type Command,
  decodeCommandEvents,
  type EngineEvent,
  mayStartWithReject,
} from '@bourse/engine';
import type { AppliedCommand, BatchTimings, CommandTimings } from './exchange-core.ts';

export class EncodedApplied implements AppliedCommand {
  readonly seq: number;
  readonly ts: number;
  readonly command: Command;
  readonly timings?: CommandTimings;
  /** The command's record, as journaled (format byte first). */
  readonly record: Uint8Array;
  /**
   * The command's events as the engine wrote them: `eventBatch[eventStart, eventEnd)` holds their
   * count and the events (the batch is shared by the commands applied with it).
   */
  readonly eventBatch: Uint8Array;
  readonly eventStart: number;
  readonly eventEnd: number;
  #events: readonly EngineEvent[] | undefined;

  constructor(
    command: Command,
    record: Uint8Array,
    bytes: Uint8Array,
    start: number,
    end: number,
    timings?: CommandTimings,
  ) {
    this.seq = command.seq;
    this.ts = command.ts;
    this.command = command;
    this.record = record;
    this.eventBatch = bytes;
    this.eventStart = start;
    this.eventEnd = end;
    if (timings !== undefined) this.timings = timings;
  }

  /** The events' entry of the event batch (count, then events), without decoding it. */
  get eventBytes(): Uint8Array {
    return this.eventBatch.subarray(this.eventStart, this.eventEnd);
  }

  /** False when the first event is certainly not a reject: counting rejects then decodes nothing. */
  get mayBeRejected(): boolean {
    return (
      this.#events !== undefined ||
      mayStartWithReject(this.eventBatch, this.eventStart, this.eventEnd)
    );
  }

  get events(): readonly EngineEvent[] {
    if (this.#events === undefined) {
      const events = decodeCommandEvents(this.eventBatch, this.eventStart, this.eventEnd);
      // The engine thread of this process wrote these bytes: not decoding them is a broken engine.
      if (events instanceof CodecError) {
        throw new Error(`seq ${this.seq}: engine events do not decode: ${events.message}`);
      }
      this.#events = events;
    }
    return this.#events;
  }

  /** JSON sees a plain applied command (the getter is not an own property). */
  toJSON(): AppliedCommand {
    return { seq: this.seq, ts: this.ts, command: this.command, events: this.events };
  }
}

/** A batch's applied commands whose events stay in `events` (command i's entry ends at `ends[i]`). */
export function encodedBatch(
  entries: readonly {
    readonly command: Command;
    readonly record: Uint8Array;
    readonly startedAt: number;
  }[],
  events: Uint8Array,
  ends: Uint32Array,
  stages: BatchTimings | undefined,
): AppliedCommand[] {
  const applied = new Array<AppliedCommand>(entries.length);
  let start = 0;
  for (let i = 0; i < entries.length; i++) {
    const { command, record, startedAt } = entries[i]!;
    const end = ends[i]!;
    applied[i] = new EncodedApplied(
      command,
      record,
      events,
      start,
      end,
      stages === undefined ? undefined : { startedAt, batch: stages },
    );
    start = end;
  }
  return applied;
}
