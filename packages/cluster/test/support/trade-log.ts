// What the engine-node tests check after every fault: every command a leader acknowledged is in the
// etcd log at its seq, exactly once, with no gap and no client order id sequenced twice; and every node
// reaches the same seq with the same state hash. The trader sends seeded random commands through NATS.

import assert from 'node:assert/strict';
import type { AppliedCommand, CommandInput } from '@bourse/core';
import { prng, randomCommand } from '../../../core/test/fixtures/market-setup.ts';
import type { StatusReply } from '../../src/protocol.ts';
import type { ClusterHarness } from './cluster-harness.ts';

export function withClientId(input: CommandInput, clientOrderId: string): CommandInput {
  return { ...input, clientOrderId } as CommandInput;
}

export class TradeLog {
  /** Every command a leader acknowledged, by seq. */
  readonly acknowledged = new Map<number, AppliedCommand>();
  readonly #h: ClusterHarness;
  readonly #hashEvery: number;
  readonly #random: () => number;
  readonly #accounts: number;
  #cid = 0;

  constructor(h: ClusterHarness, hashEvery: number, accounts: number, seed = 7) {
    this.#h = h;
    this.#hashEvery = hashEvery;
    this.#accounts = accounts;
    this.#random = prng(seed);
  }

  get lastSeq(): number {
    return Math.max(0, ...this.acknowledged.keys());
  }

  record(results: readonly AppliedCommand[]): void {
    for (const a of results) {
      const known = this.acknowledged.get(a.seq);
      if (known !== undefined)
        assert.deepEqual(known.command, a.command, `seq ${a.seq} acked twice`);
      this.acknowledged.set(a.seq, a);
    }
  }

  /** Submits `n` random commands in batches of 5; every placeOrder has a client order id. */
  async trade(n: number): Promise<void> {
    for (let i = 0; i < n; i += 5) {
      const inputs: CommandInput[] = [];
      for (let j = 0; j < 5; j++) {
        const c = randomCommand(this.#random, this.#accounts, this.lastSeq);
        inputs.push(c.type === 'placeOrder' ? withClientId(c, `c${++this.#cid}`) : c);
      }
      const reply = await this.#h.submitOk(inputs);
      assert.ok(reply.ok);
      this.record(reply.results);
    }
  }

  /** Waits until `nodes` nodes have applied `seq` and agree on the hash at one seq. */
  converged(seq = this.lastSeq, nodes = 3): Promise<StatusReply[]> {
    const hashSeq = Math.floor(seq / this.#hashEvery) * this.#hashEvery;
    return this.#h.until(`${nodes} nodes at seq ${seq} with one hash at ${hashSeq}`, async () => {
      const all = await this.#h.status(500);
      const ok =
        all.length === nodes &&
        all.every((s) => s.appliedSeq >= seq && s.hashSeq >= hashSeq && s.alarm === undefined) &&
        new Set(all.map((s) => s.hashSeq)).size === 1 &&
        new Set(all.map((s) => s.stateHash)).size === 1;
      return ok ? all : undefined;
    });
  }

  /** Every acknowledged command is in the log at its seq, exactly once, and the log has no gap. */
  async noAcknowledgedCommandLost(): Promise<void> {
    const batches = await this.#h.logBatches();
    const bySeq = new Map<number, unknown>();
    let expect = batches[0]?.fromSeq ?? 1;
    for (const b of batches) {
      assert.equal(b.fromSeq, expect, 'the log has no gap');
      for (let i = 0; i < b.commands.length; i++) bySeq.set(b.fromSeq + i, b.commands[i]);
      expect = b.toSeq + 1;
    }
    const first = batches[0]?.fromSeq ?? 1;
    for (const [seq, a] of this.acknowledged) {
      if (seq < first) continue; // trimmed behind a snapshot
      assert.deepEqual(bySeq.get(seq), a.command, `acknowledged seq ${seq} is in the log`);
    }
    const ids: string[] = [];
    for (const c of bySeq.values()) {
      const cmd = c as { type: string; accountId?: number; clientOrderId?: string };
      if (cmd.type === 'placeOrder' && cmd.clientOrderId !== undefined) {
        ids.push(`${cmd.accountId}:${cmd.clientOrderId}`);
      }
    }
    assert.equal(new Set(ids).size, ids.length, 'no client order id sequenced twice');
  }

  /** Terms never go back in the log, and `term` wrote nothing at or after `fromSeq`. */
  async termsInOrder(term?: number, fromSeq?: number): Promise<void> {
    const batches = await this.#h.logBatches();
    for (let i = 1; i < batches.length; i++) {
      assert.ok(batches[i]!.term >= batches[i - 1]!.term, 'terms never go back in the log');
    }
    if (term !== undefined && fromSeq !== undefined) {
      assert.ok(
        batches.every((b) => b.term !== term || b.toSeq < fromSeq),
        `term ${term} appended nothing from seq ${fromSeq}`,
      );
    }
  }
}
