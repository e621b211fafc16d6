// The cluster's command log in etcd. One key per group-commit batch (`<prefix>/log/b/<fromSeq>`) and
// one head key (`<prefix>/log/head`: last seq, term, leader). An append is one transaction that puts
// the batch and the new head only if the head's value is still the one this leader's previous append
// wrote (values never repeat: decision 0935) and its election key still exists: a deposed or paused
// leader can never append, even while it still believes it leads. A leader may have several appends
// in flight; each lands only after its predecessor, and resolves only after it. Terms are recorded
// in the head, in every batch and under `<prefix>/log/terms/`. A batch's value is its commands'
// journal records (`log-format.ts`).

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
  /** The head key's mod revision (0 before the first write): what a term start compares. */
  readonly revision: number;
}

/**
 * What a leader holds to append: the head value its last append writes and the election key that
 * makes it leader. `seq`, `head` and `landed` move as each append is sent, before it lands.
 */
export interface Fence {
  readonly node: string;
  readonly term: number;
  readonly electionKey: string;
  readonly electionCreateRevision: number;
  /** The head value the last append sent writes (the term start's at first): what the next compares. */
  head: string;
  /** The last seq sent. */
  seq: number;
  /** Settles once the last append sent did: undefined when it landed, its error when not. */
  landed: Promise<Error | undefined>;
}

interface PendingAppend {
  readonly fence: Fence;
  readonly fromSeq: number;
  readonly toSeq: number;
  /** The head value the predecessor writes (or the term start's). */
  readonly expected: string;
  readonly head: string;
  readonly value: ReturnType<typeof encodeBatch>;
  readonly predecessor: Promise<Error | undefined>;
  readonly deadline: number;
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
  /** Appends sent again because they reached etcd before their predecessor (not fenced). */
  resent = 0;

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
    const head = headValue(seen.seq, term, node);
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
      head,
      seq: seen.seq,
      landed: Promise.resolve(undefined),
    };
  }

  /**
   * Appends commands `fence.seq + 1 …` (their journal records) in as few transactions as the size
   * cap allows. Each transaction is sent at once, even while earlier appends of this fence are still
   * in flight (so etcd can put them in one Raft round and one fsync); each compares the head value
   * its predecessor writes, so it lands only after it. Resolves once every transaction succeeded
   * (each is on a quorum's disks) and every earlier append of the fence resolved; throws FencedError
   * when refused or when an earlier append failed. A transaction whose outcome is unknown (etcd
   * unreachable mid-request) is settled by reading the head back, and retried until `deadline`.
   */
  append(fence: Fence, records: readonly Uint8Array[], deadline: number): Promise<void> {
    const parts: Promise<void>[] = [];
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
      parts.push(this.#issue(fence, slice, deadline));
      start = end;
    }
    return parts.length === 1 ? parts[0]! : Promise.all(parts).then(() => {});
  }

  /** Reserves the next seqs of the fence (synchronously, so issue order is seq order) and sends. */
  #issue(fence: Fence, records: readonly Uint8Array[], deadline: number): Promise<void> {
    const fromSeq = fence.seq + 1;
    const toSeq = fence.seq + records.length;
    const head = headValue(toSeq, fence.term, fence.node);
    const pending: PendingAppend = {
      fence,
      fromSeq,
      toSeq,
      expected: fence.head,
      head,
      value: encodeBatch(fence.term, fromSeq, records),
      predecessor: fence.landed,
      deadline,
    };
    fence.seq = toSeq;
    fence.head = head;
    const done = this.#land(pending);
    fence.landed = done.then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
    return done;
  }

  async #land(a: PendingAppend): Promise<void> {
    let waited = false;
    for (let attempt = 0; ; attempt++) {
      let now: LogHead | undefined;
      let refused = false;
      try {
        const res = await this.client
          .if(this.headKey, 'Value', '==', a.expected)
          .and(a.fence.electionKey, 'Create', '==', a.fence.electionCreateRevision)
          .then(
            this.client.put(this.headKey).value(a.head),
            this.client.put(this.batchKey(a.fromSeq)).value(a.value),
          )
          .else(this.client.get(this.headKey))
          .commit();
        if (res.succeeded) break;
        refused = true;
        now = parseHead(res.responses[0]?.response_range?.kvs[0]);
      } catch (error) {
        if (Date.now() > a.deadline) throw error;
        await sleep(Math.min(50 * 2 ** attempt, 500));
        // Did the transaction land before the connection broke? The head tells.
        now = await this.head().catch(() => undefined);
        if (now === undefined) continue;
      }
      const seen = judgeHead(now, a);
      if (seen === 'landed') break;
      if (seen === 'behind' && !waited) {
        // Sent before its predecessor reached etcd's leader: not a fence. Wait for the predecessor's
        // outcome, then send again (or fail with it).
        waited = true;
        await this.#predecessorLanded(a);
        this.resent++;
        continue;
      }
      // The head is this append's own base yet the compare failed: the election key is gone.
      // After an unknown outcome the same head means "not landed": send again.
      if (seen === 'unchanged' && !refused) continue;
      throw new FencedError(
        `append of ${a.fromSeq}..${a.toSeq} refused: term ${a.fence.term} was deposed (head ${now.seq}, term ${now.term}, ${now.leader})`,
      );
    }
    // Acknowledged in log order only: never before every earlier append of the fence resolved.
    await this.#predecessorLanded(a);
  }

  async #predecessorLanded(a: PendingAppend): Promise<void> {
    const failed = await a.predecessor;
    if (failed !== undefined) {
      throw new FencedError(
        `append of ${a.fromSeq}..${a.toSeq} abandoned: an earlier append failed (${failed.message})`,
      );
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

/**
 * Puts a fence back on a head it wrote (a writer that gave an append up and read where the log is):
 * the next append continues from there, with no earlier append to wait for.
 */
export function rebaseFence(fence: Fence, head: LogHead): void {
  fence.seq = head.seq;
  fence.head = headValue(head.seq, head.term, head.leader);
  fence.landed = Promise.resolve(undefined);
}

/**
 * The head value: unique over the log's life, since terms only grow (a term starts by a compare on
 * the head's mod revision, so one node starts each) and within a term every append raises the seq.
 */
function headValue(seq: number, term: number, leader: string): string {
  return JSON.stringify({ seq, term, leader });
}

/**
 * What a head read after a refused or unknown append says: `landed` (this fence wrote it at or past
 * the append), `unchanged` (its base: the append's predecessor), `behind` (this fence's, before the
 * predecessor: sent ahead of it) or `other` (another term or leader: fenced).
 */
function judgeHead(now: LogHead, a: PendingAppend): 'landed' | 'unchanged' | 'behind' | 'other' {
  if (now.term !== a.fence.term || now.leader !== a.fence.node) return 'other';
  if (now.seq >= a.toSeq) return 'landed';
  if (now.seq === a.fromSeq - 1) return 'unchanged';
  return now.seq < a.fromSeq - 1 ? 'behind' : 'other';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
