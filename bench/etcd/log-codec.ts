// What one command costs the cluster's log on the nodes' own threads, without etcd: the leader turning
// the records its journal holds into a batch value, and a standby turning a batch value into the
// commands its core applies plus the records its journal writes. Log format 1 (the JSON object of
// earlier versions, written here as the previous version wrote it) against format 2 (the records as
// they are), on the same realistic orders, in CPU time of this thread.

import { type Command, encodeCommand } from '@bourse/engine';
import { batchCommands, encodeBatch, parseBatch } from '@bourse/cluster';
import { decodeCommandJson, encodeCommandRecord } from '@bourse/core';

const BATCH = 100;
const BATCHES = 2_000;

/** The suite's placeOrder as the sequencer journals it (≈ 220 bytes as JSON). */
export function benchOrder(seq: number): Command {
  return {
    type: 'placeOrder',
    accountId: 1 + (seq % 97),
    instrumentId: 1,
    side: seq % 2 === 0 ? 'buy' : 'sell',
    orderType: 'limit',
    priceTicks: 4_000 + 100 * (seq % 21),
    qtyLots: 300,
    tif: 'gtc',
    clientOrderId: `bench-${seq}`,
    seq,
    ts: 1_800_000_000_000 + seq,
    orderId: seq,
  } as Command;
}

/** The previous version's leader: each record back to JSON text, one JSON object per batch. */
function jsonValue(term: number, fromSeq: number, records: readonly Uint8Array[]): Buffer {
  const texts = records.map((r) => decodeCommandJson(r));
  const toSeq = fromSeq + records.length - 1;
  return Buffer.from(
    `{"term":${term},"fromSeq":${fromSeq},"toSeq":${toSeq},"commands":[${texts.join(',')}]}`,
  );
}

/** The previous version's standby: the batch parsed, each command encoded again for its journal. */
function jsonApply(value: Buffer): number {
  const v = JSON.parse(value.toString()) as { commands: Command[] };
  let bytes = 0;
  for (const c of v.commands) bytes += encodeCommandRecord(c).length;
  return bytes;
}

/** This version's standby: each record decoded once (the core journals the record itself). */
function binaryApply(value: Buffer): number {
  const batch = parseBatch(value);
  return batchCommands(batch).length;
}

function cpuUsPerCommand(work: () => void): number {
  work(); // warm up
  const t0 = process.cpuUsage();
  work();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / (BATCH * BATCHES);
}

/** µs of CPU per command for each side and format, and the value's bytes per command. */
export function logCodecCosts(): Record<string, number> {
  const records: Uint8Array[][] = [];
  for (let b = 0; b < BATCHES; b++) {
    records.push(
      Array.from({ length: BATCH }, (_, i) => encodeCommand(benchOrder(b * BATCH + i + 1))),
    );
  }
  const from = (b: number) => b * BATCH + 1;
  const json = records.map((r, b) => jsonValue(1, from(b), r));
  const binary = records.map((r, b) => encodeBatch(1, from(b), r));
  const bytes = (values: Buffer[]) => values.reduce((n, v) => n + v.length, 0) / (BATCH * BATCHES);
  let sink = 0;
  const costs = {
    'leader, format 1 (JSON)': cpuUsPerCommand(() => {
      for (let b = 0; b < BATCHES; b++) sink += jsonValue(1, from(b), records[b]!).length;
    }),
    'leader, format 2 (records)': cpuUsPerCommand(() => {
      for (let b = 0; b < BATCHES; b++) sink += encodeBatch(1, from(b), records[b]!).length;
    }),
    'standby, format 1 (JSON)': cpuUsPerCommand(() => {
      for (const v of json) sink += jsonApply(v);
    }),
    'standby, format 2 (records)': cpuUsPerCommand(() => {
      for (const v of binary) sink += binaryApply(v);
    }),
    'bytes per command, format 1': bytes(json),
    'bytes per command, format 2': bytes(binary),
  };
  if (sink === 0) throw new Error('nothing was encoded');
  return costs;
}
