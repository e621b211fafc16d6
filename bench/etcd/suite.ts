// What the cluster relies on etcd for, measured on a real three-member etcd (Debian's, fsync on) on
// loopback before anything is built on it: the fenced append rate (one transaction per group-commit
// batch, compare on the head's value) at 1 and 100 commands per batch, with one and two transactions
// in flight; a race of two writers on one head, which exactly one must win every time; and the recovery after kill -9 of etcd's own
// Raft leader (kill → next acknowledged append), while a writer appends throughout, ending with a check
// that every acknowledged append is in the log; then kill -9 of the leader engine node of a whole cluster.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Etcd3 } from 'etcd3';
import { Election, EtcdCluster, type Fence, FencedLog, rebaseFence } from '@bourse/cluster';
import { encodeCommand } from '@bourse/engine';
import { limitOrder, marketSetup } from '../../packages/core/test/fixtures/market-setup.ts';
import { createEtcdClient } from '../../packages/cluster/src/etcd-client.ts';
import { ClusterHarness } from '../../packages/cluster/test/support/cluster-harness.ts';
import { TradeLog } from '../../packages/cluster/test/support/trade-log.ts';
import { CpuSampler, idleRates } from '../cluster/cpu-share.ts';
import { benchOrder, logCodecCosts } from './log-codec.ts';
import type { BenchOptions } from '../options.ts';
import {
  type LatencyNs,
  type Measurement,
  progress,
  type Suite,
  type SuiteResult,
} from '../report.ts';

/** A realistic command: a placeOrder as the sequencer journals it (its record; ~220 bytes as JSON). */
function command(seq: number): Uint8Array {
  return encodeCommand(benchOrder(seq));
}

const hex = (record: Uint8Array) => Buffer.from(record).toString('hex');

function percentiles(samplesNs: number[]): LatencyNs {
  const s = [...samplesNs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return {
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    p999: at(0.999),
    max: s.at(-1) ?? 0,
    timerOverheadP50: 0,
  };
}

async function leaderFence(client: Etcd3, log: FencedLog, node: string): Promise<Fence> {
  // A long lease: etcd keeps leases alive across its own leader changes, and this measures etcd.
  const leadership = await new Election(client, node, {
    prefix: log.prefix,
    ttlSeconds: 30,
  }).campaign();
  return log.takeOver(
    await log.head(),
    node,
    leadership.electionKey,
    leadership.electionCreateRevision,
  );
}

/**
 * Appends batches of `batch` commands for `seconds`, `depth` transactions in flight at a time (one
 * after another at 1), and what each command cost: the three members' CPU (less their idle rate),
 * the writer's CPU and the batch value's bytes in etcd; and the members' WAL fsyncs per append.
 */
async function appendRate(
  cluster: EtcdCluster,
  client: Etcd3,
  batch: number,
  seconds: number,
  depth = 1,
  to = '',
): Promise<{ m: Measurement; note: string }> {
  const what = `fenced append, ${batch} command${batch === 1 ? '' : 's'}/txn, ${depth} in flight${to}`;
  const log = new FencedLog(client, `/bench-rate-${batch}-${depth}${to === '' ? '' : '-one'}`);
  const fence = await leaderFence(client, log, 'bench');
  const members = { etcd: cluster.members.flatMap((m) => (m.pid === undefined ? [] : [m.pid])) };
  const idle = (await idleRates(members, 1000)).cpu.etcd ?? 0;
  const samples: number[] = [];
  const end = performance.now() + seconds * 1000;
  let commands = 0;
  const fsyncsBefore = await walFsyncs(cluster.endpoints);
  const sampler = new CpuSampler(members);
  const writerCpu = process.cpuUsage();
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  while (performance.now() < end) {
    const texts = Array.from({ length: batch }, (_, i) => command(fence.seq + 1 + i));
    const t0 = process.hrtime.bigint();
    const sent: Promise<void> = log.append(fence, texts, Date.now() + 30_000).then(() => {
      samples.push(Number(process.hrtime.bigint() - t0));
      inFlight.delete(sent);
    });
    inFlight.add(sent);
    commands += batch;
    if (inFlight.size >= depth) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  const writer = process.cpuUsage(writerCpu);
  const etcdMs = Math.max(0, (sampler.stop().etcd ?? 0) - idle * elapsed);
  const fsyncs = ((await walFsyncs(cluster.endpoints)) - fsyncsBefore) / cluster.endpoints.length;
  const valueBytes = await lastValueBytes(client, log, 20);
  const perCommand = (ms: number) => ((ms * 1000) / commands).toFixed(1);
  const note =
    `${what}: etcd (3 members) ${perCommand(etcdMs)} µs ` +
    `of CPU per command (less their idle ${idle.toFixed(0)} ms/s), writer ${perCommand((writer.user + writer.system) / 1000)} µs, ` +
    `${(valueBytes / batch).toFixed(0)} bytes of batch value per command, ` +
    `${(samples.length / Math.max(1, fsyncs)).toFixed(2)} appends per WAL fsync of a member, ` +
    `${log.resent} sent again after overtaking their predecessor`;
  const m: Measurement = {
    suite: 'etcd',
    name: what,
    profile: '3 members',
    n: samples.length,
    commandsPerSec: commands / elapsed,
    runsPerSec: [samples.length / elapsed],
    latencyNs: percentiles(samples),
    valid: true,
    validation: `${samples.length} appends in ${elapsed.toFixed(1)} s (${(samples.length / elapsed).toFixed(0)} txn/s)`,
  };
  return { m, note };
}

/** The members' WAL fsyncs so far, summed (each member's /metrics). */
async function walFsyncs(endpoints: readonly string[]): Promise<number> {
  let sum = 0;
  for (const url of endpoints) {
    const text = await (await fetch(`${url}/metrics`)).text();
    sum += Number(/^etcd_disk_wal_fsync_duration_seconds_count (\S+)$/m.exec(text)?.[1] ?? 0);
  }
  return sum;
}

/** Mean bytes of the last `n` batch values (each holds one append's commands). */
async function lastValueBytes(client: Etcd3, log: FencedLog, n: number): Promise<number> {
  const res = await client.getAll().prefix(log.batchPrefix).sort('Key', 'Descend').limit(n).exec();
  return res.kvs.reduce((sum, kv) => sum + kv.value.length, 0) / Math.max(1, res.kvs.length);
}

async function race(
  cluster: EtcdCluster,
  rounds: number,
): Promise<{ m: Measurement; note: string }> {
  const a = cluster.client();
  const b = cluster.client();
  try {
    const log = new FencedLog(a, '/bench-race');
    const logB = new FencedLog(b, '/bench-race');
    const base = await leaderFence(a, log, 'racer');
    let exactlyOne = 0;
    let both = 0;
    let none = 0;
    for (let r = 0; r < rounds; r++) {
      // Two leaders that both believe they may append after the same head (as a deposed one does).
      const one = { ...base, node: 'racer-a' };
      const two = { ...base, node: 'racer-b' };
      const text = command(base.seq + 1);
      const results = await Promise.allSettled([
        log.append(one, [text], Date.now() + 30_000),
        logB.append(two, [text], Date.now() + 30_000),
      ]);
      const wins = results.filter((x) => x.status === 'fulfilled').length;
      if (wins === 1) exactlyOne++;
      else if (wins === 2) both++;
      else none++;
      const winner = results[0]!.status === 'fulfilled' ? one : two;
      base.head = winner.head;
      base.seq = winner.seq;
    }
    const head = await log.head();
    const valid = exactlyOne === rounds && head.seq === rounds;
    return {
      m: {
        suite: 'etcd',
        name: 'two writers race on one head revision',
        profile: '3 members',
        n: rounds,
        commandsPerSec: 0,
        runsPerSec: [],
        valid,
        validation: `${exactlyOne}/${rounds} rounds exactly one winner, ${both} both, ${none} none`,
      },
      note: `race: ${rounds} rounds, exactly one winner in ${exactlyOne}, both won in ${both}, neither in ${none}; log head at ${head.seq}`,
    };
  } finally {
    a.close();
    b.close();
  }
}

/** Appends in a loop; records every acknowledged seq and the time of each acknowledgement. */
class Writer {
  readonly acked = new Map<number, string>();
  /** [sent, acknowledged] times of each acknowledged append. */
  readonly ackTimes: [number, number][] = [];
  #stop = false;
  #done: Promise<void> | undefined;

  readonly log: FencedLog;
  readonly fence: Fence;

  constructor(log: FencedLog, fence: Fence) {
    this.log = log;
    this.fence = fence;
  }

  start(): void {
    this.#done = (async () => {
      while (!this.#stop) {
        const text = command(this.fence.seq + 1);
        const seq = this.fence.seq + 1;
        const sent = performance.now();
        try {
          await this.log.append(this.fence, [text], Date.now() + 60_000);
          this.acked.set(seq, hex(text));
          this.ackTimes.push([sent, performance.now()]);
        } catch (error) {
          // Not acknowledged. The outcome may still have landed: continue from the head as stored.
          progress(`etcd: append failed (${String(error)}); resuming from the head`);
          await new Promise((r) => setTimeout(r, 50));
          const head = await this.log.head().catch(() => undefined);
          if (
            head !== undefined &&
            head.leader === this.fence.node &&
            head.term === this.fence.term
          ) {
            rebaseFence(this.fence, head);
          }
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stop = true;
    await this.#done;
  }

  /** When the first append sent after `t` was acknowledged. */
  firstAckAfter(t: number): number | undefined {
    return this.ackTimes.find(([sent]) => sent > t)?.[1];
  }
}

async function leaderKills(
  cluster: EtcdCluster,
  kills: number,
): Promise<{ m: Measurement; notes: string[] }> {
  const client = cluster.client();
  const log = new FencedLog(client, '/bench-kill');
  const writer = new Writer(log, await leaderFence(client, log, 'writer'));
  writer.start();
  const recoveries: number[] = [];
  try {
    for (let k = 0; k < kills; k++) {
      await new Promise((r) => setTimeout(r, 1000));
      const leader = await cluster.raftLeader();
      if (leader === undefined) throw new Error('no etcd leader to kill');
      const killedAt = performance.now();
      await leader.kill('SIGKILL');
      let first: number | undefined;
      const deadline = killedAt + 60_000;
      while (
        (first = writer.firstAckAfter(killedAt)) === undefined &&
        performance.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 5));
      }
      if (first === undefined) throw new Error('no append acknowledged within 60 s of the kill');
      recoveries.push(first - killedAt);
      progress(
        `etcd: kill ${k + 1}/${kills} of ${leader.spec.name}: next ack after ${(first - killedAt).toFixed(0)} ms`,
      );
      leader.start();
      await cluster.waitWritable();
    }
  } finally {
    await writer.stop();
  }
  // Every acknowledged append must be in the log, at its seq, with its content.
  const stored = new Map<number, string>();
  let next = 1;
  for (;;) {
    const { batches } = await log.read(next, 512);
    const fresh = batches.filter((b) => b.toSeq >= next);
    if (fresh.length === 0) break;
    for (const b of fresh) b.records.forEach((r, i) => void stored.set(b.fromSeq + i, hex(r)));
    next = fresh.at(-1)!.toSeq + 1;
  }
  client.close();
  let lost = 0;
  for (const [seq, text] of writer.acked) if (stored.get(seq) !== text) lost++;
  const ms = recoveries.map((x) => x * 1e6);
  const lat = percentiles(ms);
  return {
    m: {
      suite: 'etcd',
      name: 'kill -9 etcd leader → next append',
      profile: '3 members',
      n: kills,
      commandsPerSec: 0,
      runsPerSec: [],
      latencyNs: lat,
      valid: lost === 0,
      validation: `${writer.acked.size} acknowledged appends, ${lost} lost`,
    },
    notes: [
      `leader kills: ${kills}; kill → next acknowledged append: median ${(lat.p50 / 1e6).toFixed(0)} ms, ` +
        `p99 ${(lat.p99 / 1e6).toFixed(0)} ms, max ${(lat.max / 1e6).toFixed(0)} ms ` +
        `(all: ${recoveries.map((x) => x.toFixed(0)).join(', ')} ms)`,
      `acknowledged appends across the kills: ${writer.acked.size}, lost: ${lost}`,
    ],
  };
}

/**
 * The same questions one level up, on a real three-node cluster (etcd, nats-server, `bourse cluster
 * node` processes) while a client submits: kill -9 the leader engine node, or etcd's Raft leader, and
 * time kill → the first acknowledgement of a submit sent after the kill; count the engine elections
 * each kill caused (an etcd leader kill should cost none: etcd renews leases when its leader changes).
 */
async function clusterKills(
  kills: number,
  target: 'engine' | 'etcd',
): Promise<{ m: Measurement; notes: string[] }> {
  const h = await ClusterHarness.start(['--lease-ttl=2']);
  try {
    const log = new TradeLog(h, 10_000, 4, 3);
    await Promise.all(['n1', 'n2', 'n3'].map((id) => h.startNode(id)));
    const setup = await h.submitOk(marketSetup(4));
    if (setup.ok) log.record(setup.results);
    const recoveries: number[] = [];
    const firstTerm = (await h.leader()).term;
    for (let k = 0; k < kills; k++) {
      await log.trade(20);
      const leader = await h.leader();
      const member = target === 'etcd' ? await h.etcd.raftLeader() : undefined;
      const killedAt = performance.now();
      if (member !== undefined) await member.kill('SIGKILL');
      else await h.kill(leader.node, 'SIGKILL');
      for (;;) {
        const reply = await h
          .submit([limitOrder(1, 'buy', 1_000, 1)], 2_000)
          .catch(() => undefined);
        if (reply?.ok === true) {
          log.record(reply.results);
          recoveries.push(performance.now() - killedAt);
          progress(
            `etcd: ${target} leader kill ${k + 1}/${kills}: first ack ${(performance.now() - killedAt).toFixed(0)} ms after the kill`,
          );
          break;
        }
        if (performance.now() - killedAt > 60_000)
          throw new Error('no acknowledgement within 60 s');
        await new Promise((r) => setTimeout(r, 10));
      }
      if (member !== undefined) {
        member.start();
        await h.etcd.waitWritable();
      } else {
        await h.startNode(leader.node);
      }
    }
    await log.trade(10);
    await log.converged();
    await log.noAcknowledgedCommandLost();
    const elections = (await h.leader()).term - firstTerm;
    const lat = percentiles(recoveries.map((x) => x * 1e6));
    const what = target === 'engine' ? 'leader engine node' : 'etcd leader (cluster running)';
    return {
      m: {
        suite: 'etcd',
        name: `kill -9 ${what} → next ack`,
        profile: '3 nodes',
        n: kills,
        commandsPerSec: 0,
        runsPerSec: [],
        latencyNs: lat,
        valid: true,
        validation: `${log.acknowledged.size} acknowledged commands, all in the log once`,
      },
      notes: [
        `${what} kills (lease TTL 2 s): ${kills}; kill → first ack: median ${(lat.p50 / 1e6).toFixed(0)} ms, ` +
          `p99 ${(lat.p99 / 1e6).toFixed(0)} ms, max ${(lat.max / 1e6).toFixed(0)} ms ` +
          `(all: ${recoveries.map((x) => x.toFixed(0)).join(', ')} ms); engine elections: ${elections}; ` +
          `${log.acknowledged.size} acknowledged commands, none lost or doubled, hashes agree`,
      ],
    };
  } finally {
    await h.stop();
  }
}

export const etcdSuite: Suite = {
  name: 'etcd',
  title:
    'etcd as the command log: 3 Debian etcd members on loopback, fsync on (latency columns: µs)',
  async run(options: BenchOptions): Promise<SuiteResult> {
    const dir = mkdtempSync(join(tmpdir(), 'bourse-bench-etcd-'));
    const cluster = await EtcdCluster.start({ dir });
    const client = cluster.client();
    try {
      progress('etcd: fenced append rate');
      const measurements: Measurement[] = [];
      const rateNotes: string[] = [];
      // One and two transactions in flight, alternated (decision 0935); then with every call sent
      // to etcd's Raft leader (the client picks a member at random per call, so two calls in
      // flight may reach the leader out of order through different followers).
      const leader = await cluster.raftLeader();
      const toLeader = createEtcdClient(
        leader === undefined ? cluster.endpoints : [leader.endpoint],
      );
      try {
        for (const batch of [1, 100]) {
          for (const [c, to] of [
            [client, ''],
            [toLeader, ", to etcd's leader"],
          ] as const) {
            for (const depth of [1, 2]) {
              const rate = await appendRate(cluster, c, batch, options.etcdSeconds, depth, to);
              measurements.push(rate.m);
              rateNotes.push(rate.note);
            }
          }
        }
      } finally {
        toLeader.close();
      }
      progress('etcd: the log codec on the nodes');
      const codec = logCodecCosts();
      const codecNote =
        'log codec per command, on the node’s thread (CPU µs, 100 placeOrders per batch): ' +
        Object.entries(codec)
          .map(([what, v]) => `${what} ${v.toFixed(what.startsWith('bytes') ? 0 : 2)}`)
          .join(' · ');
      progress('etcd: racing writers');
      const raced = await race(cluster, options.etcdRaces);
      measurements.push(raced.m);
      progress('etcd: killing the etcd leader');
      const killed = await leaderKills(cluster, options.etcdKills);
      measurements.push(killed.m);
      progress('etcd: killing the leader engine node');
      const engine = await clusterKills(options.etcdKills, 'engine');
      measurements.push(engine.m);
      progress('etcd: killing the etcd leader under a running cluster');
      const underCluster = await clusterKills(options.etcdKills, 'etcd');
      measurements.push(underCluster.m);
      return {
        measurements,
        notes: [
          'each append is one etcd transaction: compare the head key’s value (the one the writer’s previous append wrote) and the writer’s election key, put the batch and the new head',
          ...rateNotes,
          codecNote,
          raced.note,
          ...killed.notes,
          ...engine.notes,
          ...underCluster.notes,
        ],
      };
    } finally {
      client.close();
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
