// State-hash agreement through etcd: at every seq that is a multiple of the hash interval, each node
// records the hash of its engine state under `<prefix>/hash/v<version>/<seq>`; the first to get there
// writes it, every later one compares. Nodes apply the same log with the same deterministic engine, so
// a difference means a broken node (or engine): that node stops loudly rather than serve a wrong state.
// Each state-hash version has keys of its own, so during a rolling upgrade nodes compare only with
// nodes of their version (version 1 wrote `<prefix>/hash/<seq>`, which its nodes still read); the
// trim deletes every earlier version's records too, so none stay behind after an upgrade.

import { STATE_HASH_VERSION } from '@bourse/engine';
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
  /** Where earlier versions' records are: version 1's (digits only, sorting before `v…`), then `v2/`…. */
  readonly #olderPrefixes: string[];

  constructor(client: Etcd3, prefix = '/bourse') {
    this.#client = client;
    this.#olderPrefixes = [`${prefix}/hash/`];
    for (let v = 2; v < STATE_HASH_VERSION; v++) this.#olderPrefixes.push(`${prefix}/hash/v${v}/`);
    this.#prefix = `${prefix}/hash/v${STATE_HASH_VERSION}/`;
  }

  #key(seq: number, prefix = this.#prefix): string {
    return prefix + String(seq).padStart(SEQ_DIGITS, '0');
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

  /** Deletes the records of seqs before `seq` (they trail the trimmed log), earlier versions' too. */
  async trimBefore(seq: number): Promise<void> {
    for (const prefix of [this.#prefix, ...this.#olderPrefixes]) {
      await this.#client
        .delete()
        .inRange({ start: prefix, end: this.#key(seq, prefix) })
        .exec();
    }
  }
}
