// What a `replay` of 4,096 commands (the most an event follower asks for at once) costs each side's
// main thread, in this process's CPU time, without NATS: the node reading the commands from its recent
// window and encoding the 16 replies, the gateway decoding them. Two forms alternate: JSON (every
// reply before decision 0975, and still to a gateway of an earlier version) and the events codec.
// Run: `npx node bench/cluster/replay-path.ts [rounds]`.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AppliedCommand, openExchangeCore } from '@bourse/core';
import { RecentCommands } from '@bourse/cluster';
import {
  decodeReplayReply,
  encodeReplayReply,
  MAX_COMMANDS_PER_MESSAGE,
} from '@bourse/cluster/protocol';
import { CodecError } from '@bourse/engine';
import { order, setup } from './node-path.ts';

const REPLAYED = 4_096;
const threadCpuUs = () => {
  const u = process.threadCpuUsage();
  return u.user + u.system;
};

/** A node's recent window holding 4,096 orders as its core hands them on (events as bytes). */
async function window(): Promise<{ recent: RecentCommands; from: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-replay-path-'));
  try {
    const core = await openExchangeCore({ dataDir: dir, readModels: false, lazyEvents: true });
    const recent = new RecentCommands();
    core.subscribe((batch: readonly AppliedCommand[]) => recent.add(batch));
    await core.submitBatch(setup());
    const from = core.durableSeq + 1;
    for (let i = 0; i < REPLAYED; i += 256) {
      await core.submitBatch(Array.from({ length: 256 }, (_, j) => order(i + j)));
    }
    await core.close();
    return { recent, from };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Replays per sample: the thread CPU clock can tick coarser than one replay takes. */
const REPEAT = 10;

/** The node's replies to one replay of REPLAYED commands, as it makes them (engine-node.ts). */
function answer(recent: RecentCommands, from: number, binary: boolean): Uint8Array[] {
  const replies: Uint8Array[] = [];
  const last = from + REPLAYED - 1;
  for (let seq = from; seq <= last; seq += MAX_COMMANDS_PER_MESSAGE) {
    const batch = recent.range(seq, last, MAX_COMMANDS_PER_MESSAGE);
    replies.push(encodeReplayReply({ ok: true, batch }, binary));
  }
  return replies;
}

/** µs per replay of REPLAYED commands on the node and on the gateway, and the bytes sent. */
function replay(
  recent: RecentCommands,
  from: number,
  binary: boolean,
): { nodeUs: number; gatewayUs: number; bytes: number } {
  const nodeStart = threadCpuUs();
  let replies: Uint8Array[] = [];
  for (let i = 0; i < REPEAT; i++) replies = answer(recent, from, binary);
  const nodeUs = (threadCpuUs() - nodeStart) / REPEAT;
  const gatewayStart = threadCpuUs();
  let got = 0;
  for (let i = 0; i < REPEAT; i++) {
    for (const data of replies) {
      const reply = decodeReplayReply(data);
      if (reply instanceof CodecError || !reply.ok) throw new Error('a reply did not decode');
      got += reply.batch.length;
    }
  }
  const gatewayUs = (threadCpuUs() - gatewayStart) / REPEAT;
  if (got !== REPLAYED * REPEAT) throw new Error(`replayed ${got} of ${REPLAYED * REPEAT}`);
  return { nodeUs, gatewayUs, bytes: replies.reduce((n, r) => n + r.length, 0) };
}

export async function replayPathNote(rounds = 40): Promise<string> {
  const { recent, from } = await window();
  const forms = [
    { name: 'JSON', binary: false, node: [] as number[], gateway: [] as number[], bytes: 0 },
    { name: 'events codec', binary: true, node: [] as number[], gateway: [] as number[], bytes: 0 },
  ];
  for (let round = 0; round < rounds; round++) {
    for (const form of round % 2 === 0 ? forms : [...forms].reverse()) {
      const r = replay(recent, from, form.binary);
      form.node.push(r.nodeUs);
      form.gateway.push(r.gatewayUs);
      form.bytes = r.bytes;
    }
  }
  // The first rounds warm the code up; the median of the rest.
  const median = (xs: number[]) => [...xs.slice(4)].sort((a, b) => a - b)[(xs.length - 4) >> 1]!;
  const parts = forms.map(
    (f) =>
      `${f.name}: node ${(median(f.node) / 1000).toFixed(2)} ms, gateway ` +
      `${(median(f.gateway) / 1000).toFixed(2)} ms, ${(f.bytes / 1024).toFixed(0)} KiB`,
  );
  return (
    `a replay of ${REPLAYED.toLocaleString('en-US')} orders (${REPLAYED / MAX_COMMANDS_PER_MESSAGE} ` +
    `replies), main-thread CPU, median of ${rounds - 4} alternating rounds of ${REPEAT}: ` +
    parts.join(' · ')
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await replayPathNote(Number(process.argv[2] ?? 40)));
}
