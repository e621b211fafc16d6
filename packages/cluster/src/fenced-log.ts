// The cluster's command log in etcd. One key per group-commit batch (`<prefix>/log/b/<fromSeq>`) and
// one head key (`<prefix>/log/head`: last seq, term, leader). An append is one transaction that puts
// the batch and the new head only if the head's mod revision is still the one this leader last wrote
// and its election key still exists: a deposed or paused leader can never append, even while it still
// believes it leads. Terms are recorded in the head, in every batch and under `<prefix>/log/terms/`.
// A batch's value is its commands' journal records (`log-format.ts`).

import type { Etcd3 } from 'etcd3';
import {
  batchBounds,
  encodeBatch,
  FRAME_MAX_BYTES,
  HEADER_MAX_BYTES,
  type LogBatch,
  parseBatch,
} from './log-format.ts';

const SEQ_DIGITS = 16;
/**
 * Most bytes of batch values per transaction: etcd refuses requests over 1.5 MiB by default
 * (`--max-request-bytes`), so a larger group commit becomes several consecutive fenced appends.
 */
export const MAX_TXN_BYTES = 1024 * 1024;

export interface LogHead {
  readonly seq: number;
  readonly term: number;
  readonly leader: string;
  /** The head key's mod revision (0 before the first write): what the next append compares. */
  readonly revision: number;
}

/** What a leader holds to append: the head it last wrote and the election key that makes it leader. */
export interface Fence {
  readonly node: string;
  readonly term: number;
  readonly electionKey: string;
  readonly electionCreateRevision: number;
  headRevision: number;
  seq: number;
}

/** The log refused an append: another leader wrote the head, or this leader's election key is gone. */
export class FencedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FencedError';
  }
}

export class FencedLog {
  readonly client: Etcd3;
  readonly prefix: string;
  readonly headKey: string;
  readonly batchPrefix: string;
  readonly termPrefix: string;

  constructor(client: Etcd3, prefix = '/bourse') {
    this.client = client;
    this.prefix = prefix;
    this.headKey = `${prefix}/log/head`;
    this.batchPrefix = `${prefix}/log/b/`;
    this.termPrefix = `${prefix}/log/terms/`;
  }

  batchKey(fromSeq: number): string {
    return this.batchPrefix + String(fromSeq).padStart(SEQ_DIGITS, '0');
  }

  async head(): Promise<LogHead> {
    const res = await this.client.get(this.headKey).exec();
    return parseHead(res.kvs[0]);
  }

  /**
   * Starts a term: succeeds only if the head is still `seen` (the new leader has applied the log up to
   * it) and the election key is still this candidate's. Bumps the head's revision, so an append the
   * previous leader might still try fails from here on.
   */
  async takeOver(
    seen: LogHead,
    node: string,
    electionKey: string,
    electionCreateRevision: number,
  ): Promise<Fence> {
    const term = seen.term + 1;
    const head = JSON.stringify({ seq: seen.seq, term, leader: node });
    const res = await this.client
      .if(this.headKey, 'Mod', '==', seen.revision)
      .and(electionKey, 'Create', '==', electionCreateRevision)
      .then(
        this.client.put(this.headKey).value(head),
        this.client
          .put(this.termPrefix + String(term).padStart(SEQ_DIGITS, '0'))
          .value(JSON.stringify({ term, leader: node, fromSeq: seen.seq + 1 })),
      )
      .commit();
    if (!res.succeeded)
      throw new FencedError(`term ${term} not started: the head or election moved`);
    return {
      node,
      term,
      electionKey,
      electionCreateRevision,
      headRevision: Number(res.header.revision),
      seq: seen.seq,
    };
  }

  /**
   * Appends commands `fence.seq + 1 …` (their journal records) in as few transactions as the size
   * cap allows. Resolves once every transaction succeeded (each is on a quorum's disks); throws
   * FencedError when refused. A transaction whose outcome is unknown (etcd unreachable mid-request)
   * is settled by reading the head back, and retried until `deadline` (ms since the epoch).
   */
  async append(fence: Fence, records: readonly Uint8Array[], deadline: number): Promise<void> {
    let start = 0;
    while (start < records.length) {
      let end = start;
      let bytes = HEADER_MAX_BYTES;
      while (
        end < records.length &&
        (end === start || bytes + records[end]!.length + FRAME_MAX_BYTES < MAX_TXN_BYTES)
      ) {
        bytes += records[end]!.length + FRAME_MAX_BYTES;
        end++;
      }
      const slice = start === 0 && end === records.length ? records : records.slice(start, end);
      await this.#appendOne(fence, slice, deadline);
      start = end;
    }
  }

  async #appendOne(fence: Fence, records: readonly Uint8Array[], deadline: number): Promise<void> {
    const fromSeq = fence.seq + 1;
    const toSeq = fence.seq + records.length;
    const value = encodeBatch(fence.term, fromSeq, records);
    const head = JSON.stringify({ seq: toSeq, term: fence.term, leader: fence.node });
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.client
          .if(this.headKey, 'Mod', '==', fence.headRevision)
          .and(fence.electionKey, 'Create', '==', fence.electionCreateRevision)
          .then(
            this.client.put(this.headKey).value(head),
            this.client.put(this.batchKey(fromSeq)).value(value),
          )
          .commit();
        if (!res.succeeded) {
          // The client retries a call whose answer was lost; the first attempt may have landed.
          const now = await this.head();
          if (now.seq === toSeq && now.term === fence.term && now.leader === fence.node) {
            fence.headRevision = now.revision;
            fence.seq = toSeq;
            return;
          }
          throw new FencedError(
            `append of ${fromSeq}..${toSeq} refused: term ${fence.term} was deposed`,
          );
        }
        fence.headRevision = Number(res.header.revision);
        fence.seq = toSeq;
        return;
      } catch (error) {
        if (error instanceof FencedError) throw error;
        if (Date.now() > deadline) throw error;
        await sleep(Math.min(50 * 2 ** attempt, 500));
        // Did the transaction land before the connection broke? The head tells.
        const now = await this.head().catch(() => undefined);
        if (now === undefined) continue;
        if (now.seq === toSeq && now.term === fence.term && now.leader === fence.node) {
          fence.headRevision = now.revision;
          fence.seq = toSeq;
          return;
        }
        if (now.revision !== fence.headRevision) {
          throw new FencedError(`append of ${fromSeq}..${toSeq} refused: the head moved`);
        }
      }
    }
  }

  /** Batches from the one holding `fromSeq` on, at most `limit`, and the revision they were read at. */
  async read(fromSeq: number, limit: number): Promise<{ batches: LogBatch[]; revision: number }> {
    // The batch holding fromSeq starts at or before it: the last key at or below fromSeq's.
    const before = await this.client
      .getAll()
      .inRange({ start: this.batchPrefix, end: this.batchKey(fromSeq + 1) })
      .sort('Key', 'Descend')
      .limit(1)
      .exec();
    const startKey = before.kvs[0]?.key.toString() ?? this.batchKey(fromSeq);
    const res = await this.client
      .getAll()
      .inRange({ start: startKey, end: `${this.batchPrefix}~` })
      .sort('Key', 'Ascend')
      .limit(limit)
      .exec();
    const batches = res.kvs.map((kv) => parseBatch(kv.value, kv.key.toString()));
    return {
      batches: batches.filter((b) => b.toSeq >= fromSeq),
      revision: Number(res.header.revision),
    };
  }

  /** The first seq still in the log (1 when nothing was trimmed; head + 1 when empty). */
  async firstSeq(): Promise<number> {
    const res = await this.client
      .getAll()
      .prefix(this.batchPrefix)
      .sort('Key', 'Ascend')
      .limit(1)
      .exec();
    const kv = res.kvs[0];
    return kv === undefined
      ? (await this.head()).seq + 1
      : batchBounds(kv.value, kv.key.toString()).fromSeq;
  }

  /**
   * Deletes batches that end before `seq` (everything a snapshot at `seq - 1` covers), then compacts
   * etcd's history up to the deletion so the space can be reused. Returns the batches deleted.
   */
  async trimBefore(seq: number): Promise<number> {
    const keep = await this.client
      .getAll()
      .inRange({ start: this.batchPrefix, end: this.batchKey(seq + 1) })
      .sort('Key', 'Descend')
      .limit(1)
      .exec();
    const kv = keep.kvs[0];
    if (kv === undefined) return 0;
    // The batch holding `seq` stays; every key before it goes.
    const cut =
      batchBounds(kv.value, kv.key.toString()).toSeq < seq ? this.batchKey(seq) : kv.key.toString();
    const res = await this.client.delete().inRange({ start: this.batchPrefix, end: cut }).exec();
    const deleted = Number(res.deleted);
    if (deleted > 0) {
      await this.client.kv.compact({ revision: res.header.revision }).catch(() => {});
    }
    return deleted;
  }
}

export function parseHead(kv: { value: Buffer; mod_revision: string } | undefined): LogHead {
  if (kv === undefined) return { seq: 0, term: 0, leader: '', revision: 0 };
  const v = JSON.parse(kv.value.toString()) as { seq: number; term: number; leader: string };
  return { seq: v.seq, term: v.term, leader: v.leader, revision: Number(kv.mod_revision) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
