// State-hash agreement through etcd: at every seq that is a multiple of the hash interval, each node
// records the hash of its engine state under `<prefix>/hash/<seq>`; the first to get there writes it,
// every later one compares. Nodes apply the same log with the same deterministic engine, so a
// difference means a broken node (or engine): that node stops loudly rather than serve a wrong state.

import type { Etcd3 } from 'etcd3';

const SEQ_DIGITS = 16;

export interface HashVerdict {
  readonly agreed: boolean;
  /** The hash recorded first for this seq, and the node that recorded it. */
  readonly recorded: string;
  readonly by: string;
}

export class HashBook {
  readonly #client: Etcd3;
  readonly #prefix: string;

  constructor(client: Etcd3, prefix = '/bourse') {
    this.#client = client;
    this.#prefix = `${prefix}/hash/`;
  }

  #key(seq: number): string {
    return this.#prefix + String(seq).padStart(SEQ_DIGITS, '0');
  }

  async check(seq: number, hash: string, node: string): Promise<HashVerdict> {
    const key = this.#key(seq);
    const res = await this.#client
      .if(key, 'Create', '==', 0)
      .then(this.#client.put(key).value(JSON.stringify({ hash, node })))
      .else(this.#client.get(key))
      .commit();
    if (res.succeeded) return { agreed: true, recorded: hash, by: node };
    const kv = res.responses[0]?.response_range?.kvs[0];
    if (kv === undefined) return { agreed: true, recorded: hash, by: node };
    const recorded = JSON.parse(kv.value.toString()) as { hash: string; node: string };
    return { agreed: recorded.hash === hash, recorded: recorded.hash, by: recorded.node };
  }

  /** Deletes the records of seqs before `seq` (they trail the trimmed log). */
  async trimBefore(seq: number): Promise<void> {
    await this.#client
      .delete()
      .inRange({ start: this.#prefix, end: this.#key(seq) })
      .exec();
  }
}
