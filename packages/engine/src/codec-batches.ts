// Batches as they travel between threads: a command batch is its records, each preceded by its
// length (so a record's bytes are the journal's payload, copied without decoding); an event batch
// holds, for each command in turn, its event count and its events. Decoding returns a CodecError for
// malformed bytes instead of throwing.

import type { Command } from './commands.ts';
import type { EngineEvent } from './events.ts';
import { ByteReader, type ByteWriter, CodecError } from './codec-bytes.ts';
import { asCodecError, readCommand } from './codec-commands.ts';
import { mayBeRejectTag, readEvent, writeEvent } from './codec-events.ts';

/** Appends one command record (from `writeCommand` or the journal) to a command batch. */
export function writeFramedRecord(w: ByteWriter, record: Uint8Array): void {
  w.uint(record.length);
  w.bytes(record);
}

/** Appends the record `bytes[start, end)` (a journal chunk's payload) to a command batch. */
export function writeFramedRange(
  w: ByteWriter,
  bytes: Uint8Array,
  start: number,
  end: number,
): void {
  const n = end - start;
  w.uint(n);
  w.reserve(n);
  const out = w.buf;
  let p = w.pos;
  // Records are tens of bytes: a loop beats allocating a view to copy from.
  for (let i = start; i < end; i++) out[p++] = bytes[i]!;
  w.pos = p;
}

/** Reads a command batch one command at a time, so each can be applied before the next is built. */
export class CommandBatchReader {
  readonly #r: ByteReader;
  /** Reused for each record, so reading a command allocates nothing but the command. */
  readonly #record: ByteReader;

  constructor(bytes: Uint8Array) {
    this.#r = new ByteReader(bytes);
    this.#record = new ByteReader(bytes);
  }

  /** The next command, undefined at the end, or a CodecError (after which the batch is unusable). */
  next(): Command | CodecError | undefined {
    const r = this.#r;
    if (r.done) return undefined;
    const at = r.pos;
    try {
      const length = r.uint();
      const end = r.pos + length;
      if (end > r.end) r.fail(`a record of ${length} bytes runs past the end of the batch`);
      const record = this.#record;
      record.pos = r.pos;
      record.end = end;
      const command = readCommand(record);
      r.pos = end;
      return command;
    } catch (error) {
      r.pos = r.end;
      return asCodecError(error, at);
    }
  }
}

export function decodeCommandBatch(bytes: Uint8Array): Command[] | CodecError {
  const reader = new CommandBatchReader(bytes);
  const out: Command[] = [];
  for (let c = reader.next(); c !== undefined; c = reader.next()) {
    if (c instanceof CodecError) return c;
    out.push(c);
  }
  return out;
}

/** Appends one command's events to an event batch. */
export function writeCommandEvents(w: ByteWriter, events: readonly EngineEvent[]): void {
  w.uint(events.length);
  for (let i = 0; i < events.length; i++) writeEvent(w, events[i]!);
}

/**
 * The events of one command: `bytes[start, end)` is its entry of an event batch (its event count and
 * events), as the engine thread wrote it; for readers that keep a batch's bytes and decode a command's
 * events only when asked.
 */
export function decodeCommandEvents(
  bytes: Uint8Array,
  start: number,
  end: number,
): EngineEvent[] | CodecError {
  const r = new ByteReader(bytes, start, end);
  try {
    const n = r.uint();
    if (n > r.end - r.pos) r.fail(`${n} events cannot fit in ${r.end - r.pos} bytes`);
    const events = new Array<EngineEvent>(n);
    for (let i = 0; i < n; i++) events[i] = readEvent(r);
    if (!r.done) r.fail('bytes after the last event');
    return events;
  } catch (error) {
    return asCodecError(error, r.pos);
  }
}

/**
 * Whether the events at `bytes[start, end)` (one command's entry) may begin with a reject, read from
 * the first event's tag alone: false only when they certainly do not (no events, or another event),
 * so counting rejects decodes nothing for a command the engine took.
 */
export function mayStartWithReject(bytes: Uint8Array, start: number, end: number): boolean {
  const r = new ByteReader(bytes, start, end);
  try {
    return r.uint() > 0 && mayBeRejectTag(r.u8());
  } catch {
    // Malformed: the full decode reports it.
    return true;
  }
}

/** The events of each command of a batch, in order. */
export function decodeEventBatch(bytes: Uint8Array): EngineEvent[][] | CodecError {
  const r = new ByteReader(bytes);
  const out: EngineEvent[][] = [];
  try {
    while (!r.done) {
      const n = r.uint();
      // Every event takes at least one byte: a larger count is garbage, not a reason to allocate.
      if (n > r.end - r.pos) r.fail(`${n} events cannot fit in ${r.end - r.pos} bytes`);
      const events = new Array<EngineEvent>(n);
      for (let i = 0; i < n; i++) events[i] = readEvent(r);
      out.push(events);
    }
  } catch (error) {
    return asCodecError(error, r.pos);
  }
  return out;
}
