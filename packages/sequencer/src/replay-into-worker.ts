// Startup replay: streams journal records after the engine's starting seq into the engine worker in
// chunks (a few in flight, so reading the disk overlaps applying), and hands the read models the
// commands they have not stored yet, with the events the engine recomputed for them.

import type { Command, EngineEvent } from '@bourse/engine';
import type { JournalRecord } from '@bourse/journal';
import type { ReadModels } from '@bourse/projections';
import { decodeCommandJson } from './command-codec.ts';
import type { AppliedReply, EngineHost } from './engine-host.ts';
import type { AppliedCommand } from './exchange-core.ts';

const CHUNK_RECORDS = 4096;
const CHUNKS_IN_FLIGHT = 3;

export interface ReplayProgress {
  readonly seq: number;
  readonly lastSeq: number;
}

interface Chunk {
  readonly firstSeq: number;
  readonly jsons: string[];
  readonly reply: Promise<AppliedReply>;
}

/** Returns the `ts` of the last replayed command (undefined when nothing was replayed). */
export async function replayIntoWorker(opts: {
  readonly records: Iterable<JournalRecord>;
  readonly host: EngineHost;
  readonly readModels: ReadModels;
  /** The read models hold every command up to this seq. */
  readonly readModelSeq: number;
  readonly lastSeq: number;
  readonly onProgress?: ((progress: ReplayProgress) => void) | undefined;
}): Promise<number | undefined> {
  const { host, readModels, readModelSeq, lastSeq, onProgress } = opts;
  const inFlight: Chunk[] = [];
  let lastTs: number | undefined;
  const settle = async (chunk: Chunk): Promise<void> => {
    const reply = await chunk.reply;
    const last = JSON.parse(chunk.jsons.at(-1)!) as Command;
    lastTs = last.ts;
    if (reply.events !== null) {
      await feed(readModels, chunk, JSON.parse(reply.events) as EngineEvent[][], readModelSeq);
    }
    onProgress?.({ seq: reply.lastSeq, lastSeq });
  };
  let jsons: string[] = [];
  let firstSeq = 0;
  const send = async (): Promise<void> => {
    const lastInChunk = firstSeq + jsons.length - 1;
    const wantEvents = lastInChunk > readModelSeq;
    const reply = host.apply(`[${jsons.join(',')}]`, wantEvents);
    // Settled in order below; this keeps a later chunk's failure from being unhandled meanwhile.
    reply.catch(() => {});
    inFlight.push({ firstSeq, jsons, reply });
    jsons = [];
    if (inFlight.length >= CHUNKS_IN_FLIGHT) await settle(inFlight.shift()!);
  };
  for (const record of opts.records) {
    if (jsons.length === 0) firstSeq = record.seq;
    jsons.push(decodeCommandJson(record.payload));
    if (jsons.length >= CHUNK_RECORDS) await send();
  }
  if (jsons.length > 0) await send();
  while (inFlight.length > 0) await settle(inFlight.shift()!);
  return lastTs;
}

async function feed(
  readModels: ReadModels,
  chunk: Chunk,
  events: EngineEvent[][],
  readModelSeq: number,
): Promise<void> {
  const batch: AppliedCommand[] = [];
  for (let i = 0; i < chunk.jsons.length; i++) {
    const seq = chunk.firstSeq + i;
    if (seq <= readModelSeq) continue;
    const command = JSON.parse(chunk.jsons[i]!) as Command;
    batch.push({ seq, ts: command.ts, command, events: events[i]! });
  }
  if (batch.length > 0) await readModels.apply(batch);
}
