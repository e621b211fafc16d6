// The value of one batch key in the etcd log. Since log format 2 a batch is the binary command codec's
// records, exactly the bytes the leader's journal wrote for them, framed as the core frames a batch for
// its engine thread: a standby journals those bytes as they are (its journal matches the leader's,
// record for record) and decodes each command once, from bytes. Format 1, the JSON object earlier
// versions wrote, is still read, so a cluster upgraded with batches in its log follows them.

import { ByteReader, ByteWriter, CodecError, type Command, decodeCommand } from '@bourse/engine';
import { encodeCommandRecord } from '@bourse/core';

/**
 * Format 2: `[0x02] uint(term) uint(fromSeq) uint(count)`, then `count` times `uint(length) record`
 * (uints are the codec's varints; a record is a journal payload of either record format).
 */
export const LOG_FORMAT_BINARY = 0x02;
/** Format 1 is a JSON object, so its first byte is always `{`. */
const JSON_OPEN_BRACE = 0x7b;
/** Bytes a batch's header and a record's length prefix can take at most, for the size cap. */
export const HEADER_MAX_BYTES = 1 + 3 * 9;
export const FRAME_MAX_BYTES = 9;

/** One batch as read back: each command's journal record (seq, ts and ids included), undecoded. */
export interface LogBatch {
  readonly term: number;
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly records: readonly Uint8Array[];
}

/** A batch value this version cannot read: written by a newer version, or damaged. */
export class LogFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogFormatError';
  }
}

/** The value of the batch holding `records` (seqs `fromSeq …`), in format 2. */
export function encodeBatch(term: number, fromSeq: number, records: readonly Uint8Array[]): Buffer {
  let bytes = HEADER_MAX_BYTES;
  for (let i = 0; i < records.length; i++) bytes += records[i]!.length + FRAME_MAX_BYTES;
  const w = new ByteWriter(bytes);
  w.u8(LOG_FORMAT_BINARY);
  w.uint(term);
  w.uint(fromSeq);
  w.uint(records.length);
  for (let i = 0; i < records.length; i++) {
    w.uint(records[i]!.length);
    w.bytes(records[i]!);
  }
  return Buffer.from(w.buf.buffer, w.buf.byteOffset, w.pos);
}

/** Reads a batch value of either format; throws LogFormatError naming `key` for anything else. */
export function parseBatch(value: Uint8Array, key = 'a batch key'): LogBatch {
  if (value[0] === LOG_FORMAT_BINARY) return parseBinary(value, key);
  if (value[0] === JSON_OPEN_BRACE) return parseJson(value, key);
  throw new LogFormatError(
    `${key} holds log format ${value.length === 0 ? '(empty)' : `byte 0x${value[0]!.toString(16)}`}, ` +
      'which this version of Bourse does not read (formats 1, JSON, and 2, binary): ' +
      'run the same version on every node',
  );
}

/** Only the seqs a batch value covers (for trimming and the log's first seq; format 2 reads its header). */
export function batchBounds(value: Uint8Array, key?: string): { fromSeq: number; toSeq: number } {
  if (value[0] !== LOG_FORMAT_BINARY) return parseBatch(value, key);
  const r = new ByteReader(value, 1);
  try {
    r.uint();
    const fromSeq = r.uint();
    return { fromSeq, toSeq: fromSeq + r.uint() - 1 };
  } catch (error) {
    throw damaged(key, error);
  }
}

/** The commands of a batch, decoded (tests and tools; nodes hand the records to their core). */
export function batchCommands(batch: LogBatch): Command[] {
  return batch.records.map((record, i) => {
    const command = decodeCommand(record);
    if (command instanceof CodecError) {
      throw new LogFormatError(`seq ${batch.fromSeq + i} does not decode: ${command.message}`);
    }
    return command;
  });
}

function parseBinary(received: Uint8Array, key: string): LogBatch {
  // The records are views kept by a node's recent window for seconds: a value that is part of a
  // larger receive buffer is copied first, so they keep alive this batch's bytes and no more.
  const value =
    received.byteOffset === 0 && received.byteLength === received.buffer.byteLength
      ? received
      : received.slice();
  const r = new ByteReader(value, 1);
  try {
    const term = r.uint();
    const fromSeq = r.uint();
    const count = r.uint();
    // Every record takes at least two bytes: a larger count is damage, not a reason to allocate.
    if (count * 2 > r.end - r.pos) r.fail(`${count} records cannot fit in ${r.end - r.pos} bytes`);
    const records = new Array<Uint8Array>(count);
    for (let i = 0; i < count; i++) records[i] = r.bytes(r.uint());
    if (!r.done) r.fail(`${r.end - r.pos} bytes after the last record`);
    return { term, fromSeq, toSeq: fromSeq + count - 1, records };
  } catch (error) {
    throw damaged(key, error);
  }
}

/** Format 1: `{ term, fromSeq, toSeq, commands }`; each command becomes the record a node journals. */
function parseJson(value: Uint8Array, key: string): LogBatch {
  let v: { term: number; fromSeq: number; toSeq: number; commands: Command[] };
  try {
    v = JSON.parse(Buffer.from(value.buffer, value.byteOffset, value.length).toString());
  } catch (error) {
    throw damaged(key, error);
  }
  const { term, fromSeq, toSeq, commands } = v;
  if (!Array.isArray(commands) || commands.length !== toSeq - fromSeq + 1) {
    throw damaged(key, new Error(`${fromSeq}..${toSeq} does not match its commands`));
  }
  return { term, fromSeq, toSeq, records: commands.map((c) => encodeCommandRecord(c)) };
}

function damaged(key: string | undefined, error: unknown): LogFormatError {
  const why = error instanceof Error || error instanceof CodecError ? error.message : String(error);
  return new LogFormatError(`${key ?? 'a batch key'} does not decode as a log batch: ${why}`);
}
