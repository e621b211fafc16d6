// How a node that was away longer than the etcd log retains gets back: the commands between its own
// journal's end and the log's first seq are in its peers' journals (a node's journal is never trimmed),
// so it asks for them over NATS (`journal`) and applies them with the same engine, then follows the log.

import type { NatsConnection } from '@nats-io/transport-node';
import type { Command } from '@bourse/engine';
import { decodeMessage, encodeMessage, type JournalReply } from './protocol.ts';

/** Most bytes of command text in one `journal` reply, under nats-server's default 1 MiB payload. */
export const JOURNAL_REPLY_BYTES = 512 * 1024;

/**
 * Applies commands `fromSeq..untilSeq` fetched from peers, in order; resolves with the next seq to
 * read from the log. Throws when no peer has them (the caller tries again later).
 */
export async function catchUpFromPeers(
  nc: NatsConnection,
  subject: string,
  fromSeq: number,
  untilSeq: number,
  apply: (commands: Command[]) => Promise<void>,
): Promise<number> {
  let next = fromSeq;
  while (next <= untilSeq) {
    const commands = await askPeers(nc, subject, next);
    if (commands === undefined) throw new Error(`no peer journal holds seq ${next}`);
    await apply(commands);
    next = commands.at(-1)!.seq + 1;
  }
  return next;
}

/** The first reply (every node answers, this one included) whose commands start at `next`. */
async function askPeers(
  nc: NatsConnection,
  subject: string,
  next: number,
): Promise<Command[] | undefined> {
  const replies = await nc.requestMany(subject, encodeMessage({ fromSeq: next }), {
    maxWait: 5_000,
  });
  for await (const msg of replies) {
    const reply = decodeMessage<JournalReply>(msg.data);
    if (!reply.ok) continue;
    const commands = reply.commands.filter((c) => c.seq >= next);
    if (commands[0]?.seq === next) return commands;
  }
  return undefined;
}
