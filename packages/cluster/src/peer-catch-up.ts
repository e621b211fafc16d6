// How a node that was away longer than the etcd log retains gets back: the commands between its own
// journal's end and the log's first seq are in its peers' journals (a node's journal is never trimmed),
// so it asks for them over NATS (`journal`) and applies them with the same engine, then follows the log.
// A peer answers with its journal's records, which this node journals as they are.

import type { NatsConnection } from '@nats-io/transport-node';
import { encodeCommandRecord } from '@bourse/core';
import { LOG_FORMAT_BINARY, parseBatch } from './log-format.ts';
import { decodeMessage, encodeMessage, type JournalReply } from './protocol.ts';

/** Most bytes of records in one `journal` reply, under nats-server's default 1 MiB payload. */
export const JOURNAL_REPLY_BYTES = 512 * 1024;

/**
 * Applies commands `fromSeq..untilSeq` fetched from peers (their records), in order; resolves with the
 * next seq to read from the log. Throws when no peer has them (the caller tries again later).
 */
export async function catchUpFromPeers(
  nc: NatsConnection,
  subject: string,
  fromSeq: number,
  untilSeq: number,
  apply: (records: Uint8Array[]) => Promise<void>,
): Promise<number> {
  let next = fromSeq;
  while (next <= untilSeq) {
    const records = await askPeers(nc, subject, next);
    if (records === undefined) throw new Error(`no peer journal holds seq ${next}`);
    await apply(records);
    next += records.length;
  }
  return next;
}

/** The first reply (every node answers, this one included) with records from `next` on. */
async function askPeers(
  nc: NatsConnection,
  subject: string,
  next: number,
): Promise<Uint8Array[] | undefined> {
  const replies = await nc.requestMany(subject, encodeMessage({ fromSeq: next }), {
    maxWait: 5_000,
  });
  for await (const msg of replies) {
    const records = recordsFrom(msg.data, next);
    if (records !== undefined && records.length > 0) return records;
  }
  return undefined;
}

/** The records from `next` in a reply of either form; undefined for an error or unreadable reply. */
export function recordsFrom(data: Uint8Array, next: number): Uint8Array[] | undefined {
  try {
    if (data[0] === LOG_FORMAT_BINARY) {
      const batch = parseBatch(data, 'a journal reply');
      if (batch.fromSeq > next || batch.toSeq < next) return undefined;
      return batch.records.slice(next - batch.fromSeq);
    }
    const reply = decodeMessage<JournalReply>(data);
    if (!reply.ok) return undefined;
    const commands = reply.commands.filter((c) => c.seq >= next);
    return commands[0]?.seq === next ? commands.map((c) => encodeCommandRecord(c)) : undefined;
  } catch {
    return undefined;
  }
}
