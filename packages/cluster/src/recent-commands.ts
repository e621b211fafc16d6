// The last N applied commands a node has seen durable, in seq order: they answer `replay` requests from
// gateways that missed an events message, and they make (accountId, clientOrderId) an idempotency key
// for a retried `placeOrder` — the retry is answered with the command already in the log instead of
// being sequenced again. Every node keeps the same window from the same log, so a new leader answers a
// retry of a command its predecessor sequenced just before it died.
//
// A window of 100,000 commands lives for seconds, long enough for the collector to move everything in
// it to the old generation and mark it there again and again: kept as objects (an applied command, its
// command, its record's view) it was a node's largest cost per command. A command that came as the
// engine's bytes (`EncodedApplied`) is kept as where its bytes are (its record's and its events'
// buffers and offsets, in typed arrays and references to buffers that exist anyway) and made into an
// applied command again only when a replay or a retry asks for it.

import { type AppliedCommand, EncodedApplied } from '@bourse/core';
import { CodecError, decodeCommand } from '@bourse/engine';

export const DEFAULT_RECENT_COMMANDS = 100_000;

export class RecentCommands {
  readonly capacity: number;
  /** The seq each slot holds (0: none). */
  readonly #seqs: Float64Array;
  /** A slot's applied command when it came as objects rather than as the engine's bytes. */
  readonly #objects: (AppliedCommand | undefined)[];
  readonly #recordBuffers: (ArrayBufferLike | undefined)[];
  readonly #recordAt: Float64Array;
  readonly #recordLength: Uint32Array;
  readonly #eventBuffers: (ArrayBufferLike | undefined)[];
  readonly #eventAt: Float64Array;
  readonly #eventLength: Uint32Array;
  /** A slot's client key (the string the map holds), so an evicted one leaves the map. */
  readonly #keys: (string | undefined)[];
  /** `${accountId}:${clientOrderId}` → seq of the placeOrder that carried it. */
  readonly #byClientId = new Map<string, number>();
  #lastSeq = 0;
  /** The first seq added since the window was (re)started. */
  #startSeq = 1;

  constructor(capacity = DEFAULT_RECENT_COMMANDS) {
    this.capacity = capacity;
    this.#seqs = new Float64Array(capacity);
    this.#objects = new Array(capacity).fill(undefined);
    this.#recordBuffers = new Array(capacity).fill(undefined);
    this.#recordAt = new Float64Array(capacity);
    this.#recordLength = new Uint32Array(capacity);
    this.#eventBuffers = new Array(capacity).fill(undefined);
    this.#eventAt = new Float64Array(capacity);
    this.#eventLength = new Uint32Array(capacity);
    this.#keys = new Array(capacity).fill(undefined);
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The oldest seq still held (lastSeq + 1 when empty). */
  get firstSeq(): number {
    return Math.max(this.#startSeq, this.#lastSeq - this.capacity + 1);
  }

  add(batch: readonly AppliedCommand[]): void {
    for (const applied of batch) {
      // A node starts its window wherever its core starts (after a restart, past its snapshot).
      if (applied.seq !== this.#lastSeq + 1) this.#restart(applied.seq);
      const slot = applied.seq % this.capacity;
      const evicted = this.#keys[slot];
      if (evicted !== undefined && this.#byClientId.get(evicted) === this.#seqs[slot]) {
        this.#byClientId.delete(evicted);
      }
      this.#seqs[slot] = applied.seq;
      this.#keep(slot, applied);
      const key = clientKey(applied);
      this.#keys[slot] = key;
      if (key !== undefined) this.#byClientId.set(key, applied.seq);
      this.#lastSeq = applied.seq;
    }
  }

  /** Commands `fromSeq..toSeq` still held, at most `limit`, stopping at the first one not held. */
  range(fromSeq: number, toSeq: number, limit: number): AppliedCommand[] {
    const out: AppliedCommand[] = [];
    const start = Math.max(fromSeq, this.firstSeq);
    if (start !== fromSeq) return out;
    for (let seq = start; seq <= Math.min(toSeq, this.#lastSeq) && out.length < limit; seq++) {
      const applied = this.#at(seq);
      if (applied === undefined) break;
      out.push(applied);
    }
    return out;
  }

  /** The applied placeOrder that used this account's client order id within the window, if any. */
  byClientOrderId(accountId: number, clientOrderId: string): AppliedCommand | undefined {
    return this.byClientKey(`${accountId}:${clientOrderId}`);
  }

  /** The same, by the key `clientKey` gives (`${accountId}:${clientOrderId}`). */
  byClientKey(key: string): AppliedCommand | undefined {
    const seq = this.#byClientId.get(key);
    return seq === undefined ? undefined : this.#at(seq);
  }

  #keep(slot: number, applied: AppliedCommand): void {
    if (!(applied instanceof EncodedApplied)) {
      this.#objects[slot] = applied;
      this.#recordBuffers[slot] = undefined;
      this.#eventBuffers[slot] = undefined;
      return;
    }
    this.#objects[slot] = undefined;
    const { record, eventBatch } = applied;
    this.#recordBuffers[slot] = record.buffer;
    this.#recordAt[slot] = record.byteOffset;
    this.#recordLength[slot] = record.length;
    this.#eventBuffers[slot] = eventBatch.buffer;
    this.#eventAt[slot] = eventBatch.byteOffset + applied.eventStart;
    this.#eventLength[slot] = applied.eventEnd - applied.eventStart;
  }

  /** The applied command held for `seq`, made again from its bytes when it was kept as bytes. */
  #at(seq: number): AppliedCommand | undefined {
    const slot = seq % this.capacity;
    if (this.#seqs[slot] !== seq) return undefined;
    const object = this.#objects[slot];
    if (object !== undefined) return object;
    const record = new Uint8Array(
      this.#recordBuffers[slot]!,
      this.#recordAt[slot]!,
      this.#recordLength[slot]!,
    );
    const command = decodeCommand(record);
    // These bytes decoded when the command was applied: failing now means they were overwritten.
    if (command instanceof CodecError) {
      throw new Error(`recent command ${seq} no longer decodes: ${command.message}`);
    }
    const at = this.#eventAt[slot]!;
    const events = new Uint8Array(this.#eventBuffers[slot]!, at, this.#eventLength[slot]!);
    return new EncodedApplied(command, record, events, 0, events.length);
  }

  #restart(seq: number): void {
    this.#seqs.fill(0);
    this.#objects.fill(undefined);
    this.#recordBuffers.fill(undefined);
    this.#eventBuffers.fill(undefined);
    this.#keys.fill(undefined);
    this.#byClientId.clear();
    this.#startSeq = seq;
    this.#lastSeq = seq - 1;
  }
}

export function clientKey(applied: {
  readonly command: AppliedCommand['command'];
}): string | undefined {
  const c = applied.command;
  if (c.type !== 'placeOrder' || c.clientOrderId === undefined) return undefined;
  return `${c.accountId}:${c.clientOrderId}`;
}
