// The journal's record format for one command is the engine's command codec (`@bourse/engine`): a
// format byte, then a binary layout (format 2) or UTF-8 JSON (format 1, every journal written before
// the binary layout). This module adapts it to the core's boundaries: a record that does not decode
// is a corrupt journal here, so it throws a CoreError naming why.

import {
  ByteWriter,
  CodecError,
  type Command,
  commandJson,
  decodeCommand as decodeRecord,
  RECORD_JSON,
  writeCommand,
  writeFramedRecord,
} from '@bourse/engine';
import { CoreError } from './core-error.ts';
import type { CommandInput } from './exchange-core.ts';

/** Format 1: `[0x01] + UTF-8(JSON.stringify(command))`, as journals held before the binary layout. */
export const COMMAND_FORMAT_V1 = RECORD_JSON;

const encoder = new TextEncoder();

/** A format-1 (JSON) record from a command's JSON text: what journals held before the binary layout. */
export function encodeCommandJson(json: string): Uint8Array {
  const body = encoder.encode(json);
  const out = new Uint8Array(body.length + 1);
  out[0] = COMMAND_FORMAT_V1;
  out.set(body, 1);
  return out;
}

/** The journal record of a command: binary, or JSON for a command the layout cannot hold exactly. */
export function encodeCommandRecord(command: Command): Uint8Array {
  const w = new ByteWriter(64);
  writeCommand(w, command);
  return w.finish();
}

/** The JSON text of a record of either format; throws on bytes that are not a record. */
export function decodeCommandJson(payload: Uint8Array): string {
  const text = commandJson(payload);
  if (text instanceof CodecError) throw undecodable(text);
  return text;
}

export function decodeCommand(payload: Uint8Array): Command {
  const command = decodeRecord(payload);
  if (command instanceof CodecError) throw undecodable(command);
  return command;
}

function undecodable(error: CodecError): CoreError {
  return new CoreError(
    'DATA_DIR_INCONSISTENT',
    `a journal record does not decode as a command: ${error.message} (byte ${error.offset})`,
  );
}

/**
 * Encodes commands into shared chunks and hands out a view of each record, so sequencing a command
 * costs no allocation of its own; a chunk stays alive while any of its records is referenced.
 */
export class RecordArena {
  static readonly CHUNK_BYTES = 64 * 1024;
  #w = new ByteWriter(RecordArena.CHUNK_BYTES);

  /** The command's record; throws only for a command JSON cannot hold either. */
  encode(command: Command): Uint8Array {
    let w = this.#w;
    if (w.pos > RecordArena.CHUNK_BYTES - 512) {
      w = new ByteWriter(RecordArena.CHUNK_BYTES);
      this.#w = w;
    }
    const start = w.pos;
    try {
      writeCommand(w, command);
    } catch (error) {
      w.pos = start;
      throw error;
    }
    return w.buf.subarray(start, w.pos);
  }
}

/** The entries' records as one command batch, in a buffer of its own (it is moved to the worker). */
export function commandBatch(entries: readonly { readonly record: Uint8Array }[]): Uint8Array {
  let bytes = 0;
  for (let i = 0; i < entries.length; i++) bytes += entries[i]!.record.length + 5;
  const w = new ByteWriter(bytes);
  for (let i = 0; i < entries.length; i++) writeFramedRecord(w, entries[i]!.record);
  return w.buf.subarray(0, w.pos);
}

/** Stamps seq and ts (and a new order's id) on a submitted command and encodes its record. */
export function buildCommand(
  arena: RecordArena,
  input: CommandInput | undefined,
  seq: number,
  ts: number,
): { command: Command; record: Uint8Array } | CoreError {
  if (typeof input !== 'object' || input === null || typeof input.type !== 'string') {
    return new CoreError('INVALID_COMMAND', 'a command must be an object with a string `type`');
  }
  const command = (
    input.type === 'placeOrder' ? { ...input, seq, ts, orderId: seq } : { ...input, seq, ts }
  ) as Command;
  try {
    return { command, record: arena.encode(command) };
  } catch (error) {
    return new CoreError('INVALID_COMMAND', `command cannot be journaled: ${String(error)}`);
  }
}

/** A command another node sequenced, checked for the seq it must have, and its record. */
export function replicatedCommand(
  arena: RecordArena,
  command: Command,
  seq: number,
): { command: Command; record: Uint8Array } | CoreError {
  if (command?.seq !== seq || !Number.isSafeInteger(command.ts)) {
    return new CoreError('INVALID_COMMAND', `replicated command must have seq ${seq} and a ts`);
  }
  return { command, record: arena.encode(command) };
}

/**
 * A record another node sequenced and journaled (a cluster's log holds the leader's records): decoded
 * once, checked for the seq it must have, and journaled as it is, so the journals match byte for byte.
 */
export function replicatedRecord(
  record: Uint8Array,
  seq: number,
): { command: Command; record: Uint8Array } | CoreError {
  const command = decodeRecord(record);
  if (command instanceof CodecError) {
    return new CoreError(
      'INVALID_COMMAND',
      `replicated seq ${seq} does not decode: ${command.message}`,
    );
  }
  if (command.seq !== seq || !Number.isSafeInteger(command.ts)) {
    return new CoreError('INVALID_COMMAND', `replicated command must have seq ${seq} and a ts`);
  }
  return { command, record };
}

/** Where a command comes from: submitted here, or sequenced by another node (as a command or record). */
export type CommandSource = 'submit' | 'commands' | 'records';

/** The command for `seq` and its record, from an input of `source` (`ts` stamps a submitted one). */
export function sourcedCommand(
  arena: RecordArena,
  source: CommandSource,
  input: CommandInput | Command | Uint8Array,
  seq: number,
  ts: number,
): { command: Command; record: Uint8Array } | CoreError {
  if (source === 'records') return replicatedRecord(input as Uint8Array, seq);
  if (source === 'commands') return replicatedCommand(arena, input as Command, seq);
  return buildCommand(arena, input as CommandInput, seq, ts);
}
