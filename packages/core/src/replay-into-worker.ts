// Startup replay: streams journal records after the engine's starting seq into the engine worker in
// chunks (a few in flight, so reading the disk overlaps applying). Chunks the read models have not
// stored yet are applied with `project`: the engine sends them, with the events it recomputed, to the
// read-model worker, and every replayed command is durable already.

import { ByteWriter, writeFramedRange } from '@bourse/engine';
import type { RecordChunk } from '@bourse/journal';
import { decodeCommand } from './command-codec.ts';
import type { AppliedReply, EngineHost } from './engine-host.ts';
import type { ReadModelSink } from './read-model-feeder.ts';

const CHUNK_RECORDS = 16_384;
/** A chunk is sent once it holds this many bytes, whatever its record count. */
const CHUNK_BYTES = 1024 * 1024;
const CHUNKS_IN_FLIGHT = 3;
/** Most commands queued for the read models before the replay waits for them. */
const MAX_READ_MODEL_BACKLOG = 65_536;

export interface ReplayProgress {
  readonly seq: number;
  readonly lastSeq: number;
}

interface Chunk {
  readonly lastSeq: number;
  readonly reply: Promise<AppliedReply>;
}

/**
 * Replays `chunks` and resolves with the `ts` of the last one (undefined when there was none) once
 * the engine has applied them all and the read models hold them.
 */
export async function replayIntoWorker(opts: {
  /** The journal after the engine's starting seq, in the large chunks replay reads it in. */
  readonly chunks: Iterable<RecordChunk>;
  readonly host: EngineHost;
  readonly feeder: ReadModelSink;
  readonly lastSeq: number;
  readonly onProgress?: ((progress: ReplayProgress) => void) | undefined;
}): Promise<number | undefined> {
  const { host, feeder, lastSeq, onProgress } = opts;
  const inFlight: Chunk[] = [];
  let lastRecord: Uint8Array | undefined;

  const settle = async (chunk: Chunk): Promise<void> => {
    const reply = await chunk.reply;
    if (reply.events !== null) {
      feeder.durable(chunk.lastSeq);
      const behind = feeder.queuedSeq - MAX_READ_MODEL_BACKLOG;
      if (behind > feeder.appliedSeq) await feeder.waitFor(behind);
    }
    onProgress?.({ seq: reply.lastSeq, lastSeq });
  };

  // Records are copied into the chunk as they are (no decoding here); the worker decodes them.
  let chunk = new ByteWriter(CHUNK_BYTES);
  let count = 0;
  let chunkLast = 0;
  const send = async (): Promise<void> => {
    const project = chunkLast > feeder.appliedSeq;
    const reply = host.apply(chunk.buf.subarray(0, chunk.pos), project, project);
    // Settled in order below; this keeps a later chunk's failure from being unhandled meanwhile.
    reply.catch(() => {});
    inFlight.push({ lastSeq: chunkLast, reply });
    chunk = new ByteWriter(CHUNK_BYTES);
    count = 0;
    if (inFlight.length >= CHUNKS_IN_FLIGHT) await settle(inFlight.shift()!);
  };

  for (const journalChunk of opts.chunks) {
    const { payloads, ends } = journalChunk;
    let start = 0;
    for (let i = 0; i < journalChunk.count; i++) {
      writeFramedRange(chunk, payloads, start, ends[i]!);
      start = ends[i]!;
      if (++count >= CHUNK_RECORDS || chunk.pos >= CHUNK_BYTES) {
        chunkLast = journalChunk.firstSeq + i;
        await send();
      }
    }
    if (journalChunk.count > 0) {
      chunkLast = journalChunk.firstSeq + journalChunk.count - 1;
      const from = journalChunk.count > 1 ? ends[journalChunk.count - 2]! : 0;
      lastRecord = payloads.slice(from, ends[journalChunk.count - 1]!);
    }
  }
  if (count > 0) await send();
  while (inFlight.length > 0) await settle(inFlight.shift()!);
  if (lastSeq > feeder.appliedSeq) await feeder.waitFor(lastSeq);
  return lastRecord === undefined ? undefined : decodeCommand(lastRecord).ts;
}
