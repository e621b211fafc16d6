// The leader's own hold (its NATS callback taking a submit → its reply encoded: batch wait, engine,
// fenced append, ack) at a given order rate, with a real three-member etcd on disk and a real
// nats-server, but no gateway, HAProxy, projector or PostgreSQL: only `bourse cluster node` leaders
// and this process, which sends submits as the cluster's gateways do (binary, lean, timed, grouped
// replies on one inbox; each of `--gateways` sends one request every `--submit-spacing-ms` with the
// orders due). Settings of the leader's appends (`--configs in-flight:spacing-ms,…`) are compared in
// turn, each round in a rotated order, each run on a fresh leader of its own prefix over the same
// etcd and NATS, so every setting meets the same minutes of a shared machine. Per run: the hold per
// command p50/p99/p99.9 (exact, from each reply's `heldUs`), the leader core's stages (its cluster
// histograms: the wait for its append to start, the append, the rest), appends/s and commands per
// append, resent appends, etcd's CPU per append (its three members' /proc, heartbeats included), and
// the leader's CPU per order (its main thread and the whole process). Run:
//   npx node bench/cluster/leader-hold.ts [--rate 10000] [--seconds 5] [--rounds 3]
//     [--configs 1:12,2:12,1:6] [--standbys 0]

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { CommandInput } from '@bourse/core';
import { EtcdCluster, NatsServerProcess } from '@bourse/cluster';
import {
  clusterSubjects,
  decodeSubmitReply,
  encodeSubmitRequest,
  type StatusReply,
} from '@bourse/cluster/protocol';
import { CodecError } from '@bourse/engine';
import { bucketQuantile, type Buckets } from '@bourse/protocol/metrics-text';
import { nodeStatuses } from '../../apps/bourse/src/cluster/cluster-status.ts';
import { spawnBourse } from '../../apps/bourse/src/cluster/spawn-ready.ts';
import { limitOrder, marketSetup } from '../../packages/core/test/fixtures/market-setup.ts';
import { ReplyInbox } from '../../packages/remote-core/src/reply-inbox.ts';

const TICK_MS = 10; // USER_HZ 100: /proc's CPU ticks

interface Config {
  readonly inFlight: number;
  readonly spacingMs: number;
}

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    configs: { type: 'string', default: '1:12,2:12' },
    gateways: { type: 'string', default: '2' },
    'submit-spacing-ms': { type: 'string', default: '2' },
    standbys: { type: 'string', default: '0' },
  },
});
const rate = Number(values.rate);
const gateways = Number(values.gateways);
const submitSpacingMs = Number(values['submit-spacing-ms']);
const configs: Config[] = values.configs.split(',').map((c) => {
  const [inFlight, spacingMs] = c.split(':').map(Number);
  return { inFlight: inFlight!, spacingMs: spacingMs! };
});

/** User + system CPU of a process (or one of its threads) in ms, from /proc. */
function cpuMs(pid: number, tid?: number): number {
  const path = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
  const f = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

/** A histogram of a node's status metrics (prom-client JSON) as cumulative buckets, sum and count. */
interface Histo {
  readonly buckets: Buckets;
  sum: number;
  count: number;
}

function histogram(status: StatusReply, name: string, stage?: string): Histo {
  const out: Histo = { buckets: new Map(), sum: 0, count: 0 };
  const metric = status.metrics?.find((m) => m.name === name);
  // A histogram's values carry the series' own name (`_bucket`, `_sum`, `_count`).
  for (const v of (metric?.values ?? []) as {
    value: number;
    labels: object;
    metricName?: string;
  }[]) {
    const labels = v.labels as Record<string, string | number>;
    if (stage !== undefined && labels.stage !== stage) continue;
    if (v.metricName === `${name}_bucket`) {
      const le = labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels.le);
      out.buckets.set(le, (out.buckets.get(le) ?? 0) + v.value);
    } else if (v.metricName === `${name}_sum`) out.sum += v.value;
    else if (v.metricName === `${name}_count`) out.count += v.value;
  }
  return out;
}

function counter(status: StatusReply, name: string): number {
  const metric = status.metrics?.find((m) => m.name === name);
  return (metric?.values ?? []).reduce((s, v) => s + v.value, 0);
}

/** "mean 4.1 / p99 17.0 ms" of what `after` counted beyond `before`. */
function stageFigure(after: Histo, before: Histo): string {
  const delta = [...after.buckets]
    .sort((x, y) => x[0] - y[0])
    .map(([le, n]) => [le, n - (before.buckets.get(le) ?? 0)] as const);
  const n = after.count - before.count;
  if (n <= 0) return '—';
  const mean = ((after.sum - before.sum) / n) * 1000;
  const p99 = (bucketQuantile(delta, 0.99) ?? 0) * 1000;
  return `mean ${mean.toFixed(1)} / p99 ${p99.toFixed(1)} ms`;
}

async function leaderStatus(nc: NatsConnection, prefix: string): Promise<StatusReply> {
  for (;;) {
    const leader = (await nodeStatuses(nc, prefix, 300)).find((s) => s.role === 'leader');
    if (leader !== undefined) return leader;
  }
}

/**
 * Sends `inputs` as one gateway request; resolves with the leader's hold in µs, or undefined when
 * the request failed (a leader that paused past its lease on a loaded machine refuses commands).
 */
async function submit(
  inbox: ReplyInbox,
  subject: string,
  inputs: CommandInput[],
): Promise<number | undefined> {
  const body = encodeSubmitRequest({ inputs, lean: true, timed: true, grouped: true });
  const outcome = await inbox.request(subject, body).reply;
  if (outcome.kind !== 'reply') return undefined;
  const reply = decodeSubmitReply(outcome.data);
  if (reply instanceof CodecError || !reply.ok) return undefined;
  return 'heldUs' in reply && reply.heldUs !== undefined ? reply.heldUs : 0;
}

/**
 * Offers `rate` orders/s for `seconds`, each gateway sending what is due every `submitSpacingMs`;
 * returns the hold of every command (µs; one per command, a request's hold for each of its orders).
 */
async function offer(
  inboxes: ReplyInbox[],
  subject: string,
  seconds: number,
): Promise<{ holds: number[]; failed: number }> {
  const holds: number[] = [];
  let failed = 0;
  const pending: Promise<void>[] = [];
  const perGateway = rate / inboxes.length;
  const total = Math.floor(perGateway * seconds);
  const sent = inboxes.map(() => 0);
  const lastAt = inboxes.map((_, g) => -g * (submitSpacingMs / inboxes.length));
  const start = performance.now();
  while (sent.some((n) => n < total)) {
    const now = performance.now() - start;
    for (const [g, inbox] of inboxes.entries()) {
      if (now - lastAt[g]! < submitSpacingMs) continue;
      const due = Math.min(total, Math.floor((now * perGateway) / 1000) + 1);
      if (due <= sent[g]!) continue;
      const inputs: CommandInput[] = [];
      for (let i = sent[g]!; i < due; i++) {
        inputs.push(limitOrder(1 + (i % 2), i % 2 === 0 ? 'buy' : 'sell', 5_000, 1));
      }
      sent[g] = due;
      lastAt[g] = now;
      pending.push(
        submit(inbox, subject, inputs).then((held) => {
          if (held === undefined) failed += inputs.length;
          else for (let i = 0; i < inputs.length; i++) holds.push(held);
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  return { holds, failed };
}

/** Every node started, killed at exit whatever ends this process (a node outlives its parent). */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(1));

interface Nodes {
  readonly leader: ChildProcess;
  readonly all: ChildProcess[];
}

async function startNodes(
  prefix: string,
  dir: string,
  etcd: EtcdCluster,
  natsUrl: string,
  c: Config,
): Promise<Nodes> {
  const all: ChildProcess[] = [];
  const count = 1 + Number(values.standbys);
  for (let k = 1; k <= count; k++) {
    const { child } = await spawnBourse(
      [
        'cluster',
        'node',
        `--node-id=n${k}`,
        `--etcd=${etcd.endpoints.join(',')}`,
        `--nats=${natsUrl}`,
        `--prefix=${prefix}`,
        `--data-dir=${join(dir, `${prefix}-n${k}`)}`,
        `--appends-in-flight=${c.inFlight}`,
        `--append-spacing-ms=${c.spacingMs}`,
      ],
      { logFile: join(dir, `${prefix}-n${k}.log`) },
    );
    all.push(child);
    children.add(child);
  }
  return { leader: all[0]!, all };
}

/** One run of one setting on fresh nodes; returns its line. */
async function run(
  c: Config,
  prefix: string,
  dir: string,
  etcd: EtcdCluster,
  nats: NatsServerProcess,
  nc: NatsConnection,
): Promise<string> {
  const nodes = await startNodes(prefix, dir, etcd, nats.url, c);
  const subject = clusterSubjects(prefix).submit;
  const inboxes = Array.from({ length: gateways }, () => new ReplyInbox(nc, 10_000));
  try {
    const first = await leaderStatus(nc, prefix);
    const leaderPid = first.pid;
    if ((await submit(inboxes[0]!, subject, marketSetup(2))) === undefined) {
      throw new Error('the market setup was refused');
    }
    await offer(inboxes, subject, Number(values.warmup));
    const before = await leaderStatus(nc, prefix);
    const etcdPids = etcd.members.map((m) => m.pid!);
    const etcd0 = etcdPids.reduce((s, pid) => s + cpuMs(pid), 0);
    const main0 = cpuMs(leaderPid, leaderPid);
    const proc0 = cpuMs(leaderPid);
    const t0 = performance.now();
    const { holds, failed } = await offer(inboxes, subject, Number(values.seconds));
    const wallS = (performance.now() - t0) / 1000;
    const etcdMs = etcdPids.reduce((s, pid) => s + cpuMs(pid), 0) - etcd0;
    const mainMs = cpuMs(leaderPid, leaderPid) - main0;
    const procMs = cpuMs(leaderPid) - proc0;
    const after = await leaderStatus(nc, prefix);
    const line = report(c, holds, wallS, { etcdMs, mainMs, procMs }, before, after);
    return failed === 0 ? line : `${line}; ${failed} commands refused (leader paused)`;
  } finally {
    for (const inbox of inboxes) inbox.close();
    for (const child of nodes.all) child.kill('SIGKILL');
  }
}

function report(
  c: Config,
  holds: number[],
  wallS: number,
  cpu: { etcdMs: number; mainMs: number; procMs: number },
  before: StatusReply,
  after: StatusReply,
): string {
  holds.sort((a, b) => a - b);
  const q = (p: number) =>
    (holds[Math.min(holds.length - 1, Math.floor(p * holds.length))]! / 1000).toFixed(1);
  const appends =
    counter(after, 'bourse_cluster_appends_total') -
    counter(before, 'bourse_cluster_appends_total');
  const resent =
    counter(after, 'bourse_cluster_resent_appends_total') -
    counter(before, 'bourse_cluster_resent_appends_total');
  const stage = (name: string, s?: string) =>
    stageFigure(histogram(after, name, s), histogram(before, name, s));
  const stagesName = 'bourse_cluster_ack_stage_seconds';
  return [
    `${c.inFlight} in flight, spacing ${c.spacingMs} ms:`,
    `hold p50 ${q(0.5)} / p99 ${q(0.99)} / p99.9 ${q(0.999)} ms (n ${holds.length});`,
    `appends ${(appends / wallS).toFixed(0)}/s, ${(holds.length / Math.max(1, appends)).toFixed(0)} commands each, ${resent} resent;`,
    `etcd ${((cpu.etcdMs * 1000) / Math.max(1, appends)).toFixed(0)} µs per append, ${((cpu.etcdMs * 1000) / holds.length).toFixed(1)} µs per order;`,
    `leader ${((cpu.procMs * 1000) / holds.length).toFixed(1)} µs per order (main thread ${((cpu.mainMs * 1000) / holds.length).toFixed(1)});`,
    `core: until its append starts ${stage(stagesName, 'journal_wait')}, engine ${stage(stagesName, 'engine')},`,
    `append ${stage(stagesName, 'journal_write')}, ack ${stage(stagesName, 'ack')};`,
    `request → reply ${stage('bourse_cluster_submit_latency_seconds')}`,
  ].join(' ');
}

const dir = mkdtempSync(join(tmpdir(), 'bourse-leader-hold-'));
const etcd = await EtcdCluster.start({ dir: join(dir, 'etcd'), members: 3 });
const nats = await NatsServerProcess.start();
const nc = await connect({ servers: nats.url, noAsyncTraces: true });
try {
  let k = 0;
  for (let round = 0; round < Number(values.rounds); round++) {
    for (let j = 0; j < configs.length; j++) {
      const c = configs[(round + j) % configs.length]!;
      const line = await run(c, `h${k++}`, dir, etcd, nats, nc);
      const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
      console.log(`round ${round + 1}, load ${load}: ${line}`);
    }
  }
} finally {
  await nc.close();
  await nats.stop();
  await etcd.stop();
  rmSync(dir, { recursive: true, force: true });
}
