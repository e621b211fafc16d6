// Startup replay: streams journal records after the engine's starting seq into the engine worker in
// chunks (a few in flight, so reading the disk overlaps applying). Chunks the read models have not
// stored yet are applied with `project`: the engine sends them, with the events it recomputed, to the
// read-model worker, and every replayed command is durable already.

import type { Command } from '@bourse/engine';
import type { JournalRecord } from '@bourse/journal';
import { decodeCommandJson } from './command-codec.ts';
import type { AppliedReply, EngineHost } from './engine-host.ts';
import type { ReadModelFeeder } from './read-model-feeder.ts';

const CHUNK_RECORDS = 4096;
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
 * Replays `records` and resolves with the `ts` of the last one (undefined when there was none) once
 * the engine has applied them all and the read models hold them.
 */
export async function replayIntoWorker(opts: {
  readonly records: Iterable<JournalRecord>;
  readonly host: EngineHost;
  readonly feeder: ReadModelFeeder;
  readonly lastSeq: number;
  readonly onProgress?: ((progress: ReplayProgress) => void) | undefined;
}): Promise<number | undefined> {
  const { host, feeder, lastSeq, onProgress } = opts;
  const inFlight: Chunk[] = [];
  let lastJson: string | undefined;

  const settle = async (chunk: Chunk): Promise<void> => {
    const reply = await chunk.reply;
    if (reply.events !== null) {
      feeder.durable(chunk.lastSeq);
      const behind = feeder.queuedSeq - MAX_READ_MODEL_BACKLOG;
      if (behind > feeder.appliedSeq) await feeder.waitFor(behind);
    }
    onProgress?.({ seq: reply.lastSeq, lastSeq });
  };

  let jsons: string[] = [];
  let chunkLast = 0;
  const send = async (): Promise<void> => {
    const commandsJson = `[${jsons.join(',')}]`;
    const project = chunkLast > feeder.appliedSeq;
    const reply = host.apply(commandsJson, project, project);
    // Settled in order below; this keeps a later chunk's failure from being unhandled meanwhile.
    reply.catch(() => {});
    inFlight.push({ lastSeq: chunkLast, reply });
    jsons = [];
    if (inFlight.length >= CHUNKS_IN_FLIGHT) await settle(inFlight.shift()!);
  };

  for (const record of opts.records) {
    lastJson = decodeCommandJson(record.payload);
    jsons.push(lastJson);
    chunkLast = record.seq;
    if (jsons.length >= CHUNK_RECORDS) await send();
  }
  if (jsons.length > 0) await send();
  while (inFlight.length > 0) await settle(inFlight.shift()!);
  if (lastSeq > feeder.appliedSeq) await feeder.waitFor(lastSeq);
  return lastJson === undefined ? undefined : (JSON.parse(lastJson) as Command).ts;
}
