// The cluster end to end, beside the single-process server in the same run: a local cluster from
// `bourse cluster up` (3 etcd members, 3 engine nodes, nats-server, PostgreSQL, 2 gateways, HAProxy),
// measured with `bourse loadtest` (its own process) through HAProxy: the sustained acknowledged orders/s
// (WebSocket order entry) and the ack latency at half that rate; the failover time (kill -9 → the
// first acknowledgement of an order sent after the kill) over many kills of the leader engine node and
// of etcd's Raft leader, with a check that no acknowledged order was lost; and the gateways' CPU per
// delivered market-data message with one and with two gateways.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '@bourse/cluster';
import {
  type Components,
  CpuSampler,
  cpuMs,
  idleRates,
  perOrderNote,
  waitNote,
} from './cpu-share.ts';
import { type DiskUse, diskNote } from './disk-io.ts';
import { type SyncCounts, syncCounts, syncNote } from './sync-counts.ts';
import { type ClusterState, readState } from '../../apps/bourse/src/cluster/cluster-state.ts';
import {
  parseOrderPathPriority,
  priorityPrefix,
} from '../../apps/bourse/src/cluster/order-path-priority.ts';
import { BOURSE_MAIN } from '../../apps/bourse/src/cluster/spawn-ready.ts';
import { type LoadtestResult, loadtestResult } from '../server/remote-load.ts';
import { clusterUpCommand, stopAll } from '../../apps/bourse/src/cluster/cluster-up.ts';
import { connectNats } from '../../apps/bourse/src/cluster/gateway-command.ts';
import { type Histograms, scrapeHistograms, stageNote } from './stage-timings.ts';
import { killRepeatedly } from './failover.ts';
import { logBytesNote } from './log-bytes.ts';
import { appendNote, scrapeAppendCounters } from './append-counters.ts';
import { nodePathNote } from './node-path.ts';
import { type NatsTraffic, natsNote, natsTraffic } from './nats-traffic.ts';
import { ReadModelLag } from './read-model-lag.ts';
import {
  bootstrapAdmin,
  etcdLeader,
  leaderNode,
  marketSpec,
  type Trader,
  trader,
  waitGone,
} from '../../apps/bourse/test/support/cluster-setup.ts';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BenchOptions } from '../options.ts';
import {
  type LatencyNs,
  type Measurement,
  progress,
  type Suite,
  type SuiteResult,
} from '../report.ts';

const MARKET = 'BENCH-26-YES';
const LADDER = [1_000, 2_000, 4_000, 6_000, 8_000, 10_000, 15_000, 20_000, 25_000, 30_000];

interface LoadRun {
  readonly r: LoadtestResult;
  /** Orders sent (warm-up included) and the CPU ms each component used for them. */
  readonly orders: number;
  readonly cpu: Record<string, number>;
  /** The ms each component's threads waited for a core. */
  readonly waits: Record<string, number>;
  readonly disk: DiskUse;
  readonly wallMs: number;
}

/** The idle cluster's CPU ms per second by component and its disk use (before the load runs). */
interface Idle {
  readonly cpu: Record<string, number>;
  readonly disk?: DiskUse;
}

/**
 * The `chrt` words the load generator starts behind (`--cluster-loadgen-priority`): set once per run of
 * the suite, before the first load test.
 */
const loadgen: { prefix: readonly string[] } = { prefix: [] };

/**
 * One `bourse loadtest` run, with the CPU of `components` (and of the load generator and any server
 * it starts) sampled over the run and the 3 s after it, so work a process defers is counted.
 */
async function loadtest(
  args: string[],
  components: Components = {},
  lag?: ReadModelLag,
): Promise<LoadRun> {
  const sampler = new CpuSampler(components);
  const stdout = await new Promise<string>((resolve, reject) => {
    const [file, ...before] = [...loadgen.prefix, process.execPath];
    const child = execFile(
      file!,
      [...before, BOURSE_MAIN, 'loadtest', '--json', ...args],
      { timeout: 600_000, maxBuffer: 1 << 20 },
      (error, out) => (error === null ? resolve(out) : reject(error)),
    );
    sampler.follow('load generator', child.pid!, 'single-process server');
  }).finally(() => lag?.stop());
  await new Promise((r) => setTimeout(r, 3_000));
  const cpu = sampler.stop();
  const waits = sampler.waits();
  const wallMs = sampler.elapsedMs;
  const disk = sampler.disk();
  const r = loadtestResult(stdout);
  const orders = Math.floor((r.rate * (r.warmupMs + r.durationMs)) / 1000);
  return { r, orders, cpu, waits, disk, wallMs };
}

const ns = (ms: number) => ms * 1e6;

function latency(r: LoadtestResult): LatencyNs {
  return {
    p50: ns(r.latencyMs.p50),
    p90: ns(r.latencyMs.p90),
    p99: ns(r.latencyMs.p99),
    p999: ns(r.latencyMs.p999),
    max: ns(r.latencyMs.max),
    timerOverheadP50: 0,
  };
}

function row(name: string, perSec: number, n: number, extra: Partial<Measurement>): Measurement {
  return {
    suite: 'cluster',
    name,
    profile: 'cents',
    n,
    commandsPerSec: perSec,
    runsPerSec: [Math.round(perSec)],
    valid: true,
    validation: '',
    ...extra,
  };
}

/**
 * The highest offered rate kept up with (≥ 95 % acknowledged, none shed), then latency at half; and
 * where the CPU went per acknowledged order at that highest rate.
 */
async function orderRows(
  label: string,
  target: string[],
  seconds: string,
  ladder: readonly number[],
  components: () => Promise<Components>,
  idle: Idle = { cpu: {} },
  stages?: () => Promise<Histograms>,
  latencyRate?: number,
  syncs?: () => Promise<SyncCounts>,
  traffic?: () => Promise<NatsTraffic | undefined>,
  lag?: () => Promise<ReadModelLag | undefined>,
): Promise<{ rows: Measurement[]; note?: string; stages?: string; latencyNote?: string }> {
  let best: { offered: number; run: LoadRun } | undefined;
  const ws = (rate: number) => [
    ...target,
    '--mode',
    'ws',
    '--rate',
    String(rate),
    '--duration',
    seconds,
  ];
  for (const offered of ladder) {
    progress(`cluster: ${label} at ${offered}/s`);
    const run = await loadtest(ws(offered), await components());
    const r = run.r;
    if ((r.rejected ?? 0) > 0 || (r.ackedPerSec ?? 0) < 0.95 * offered) break;
    best = { offered, run };
  }
  if (best === undefined && latencyRate === undefined) return { rows: [] };
  const half = latencyRate ?? Math.floor(best!.offered / 2);
  const measured = await latencyRun(label, ws(half), half, components, idle, {
    stages,
    syncs,
    traffic,
    lag,
  });
  const rows = [measured.row];
  if (best !== undefined) {
    const r = best.run.r;
    rows.unshift(
      row(
        `${label}: ws orders sustained (${best.offered}/s offered)`,
        r.ackedPerSec ?? 0,
        r.acked ?? 0,
        {
          latencyNs: latency(r),
          validation: 'no rejections',
        },
      ),
    );
  }
  return {
    rows,
    ...(best === undefined
      ? {}
      : {
          note: perOrderNote(
            `${label} at ${best.offered}/s`,
            best.run.cpu,
            best.run.orders,
            best.run.wallMs,
            idle.cpu,
          ),
        }),
    latencyNote: measured.note,
    ...(measured.stages === undefined ? {} : { stages: measured.stages }),
  };
}

/**
 * The latency run at `half`/s: its row, its CPU per order and disk use (with the syncs each component
 * counted), and the cluster's own stage histograms over it.
 */
async function latencyRun(
  label: string,
  args: string[],
  half: number,
  components: () => Promise<Components>,
  idle: Idle,
  counters: {
    stages?: (() => Promise<Histograms>) | undefined;
    syncs?: (() => Promise<SyncCounts>) | undefined;
    traffic?: (() => Promise<NatsTraffic | undefined>) | undefined;
    lag?: (() => Promise<ReadModelLag | undefined>) | undefined;
  },
): Promise<{ row: Measurement; note: string; stages?: string }> {
  const { stages, syncs, traffic } = counters;
  progress(`cluster: ${label} latency at ${half}/s`);
  const before = await stages?.();
  const syncsBefore = await syncs?.();
  const trafficBefore = await traffic?.();
  const lag = await counters.lag?.();
  const run = await loadtest(args, await components(), lag);
  const at = run.r;
  const trafficAfter = await traffic?.();
  const syncsAfter = await syncs?.();
  const after = await stages?.();
  const notes = [runNotes(`${label} at ${half}/s (the latency run)`, run, idle)];
  notes.push(waitNote(`${label} at ${half}/s`, run.waits, run.orders));
  if (at.senderCpuUsPerOrder !== undefined) {
    notes.push(
      `load generator in its measured window and drain (its own count): ` +
        `${at.senderCpuUsPerOrder.toFixed(1)} µs per order`,
    );
  }
  const bus = natsNote(`${label} at ${half}/s`, trafficBefore, trafficAfter, run.orders);
  if (bus !== undefined) notes.push(bus);
  if (syncsBefore !== undefined && syncsAfter !== undefined) {
    notes.push(syncNote(`${label} at ${half}/s`, syncsBefore, syncsAfter, run.orders));
  }
  const lagNote = lag?.note(`${label} at ${half}/s`);
  if (lagNote !== undefined) notes.push(lagNote);
  return {
    row: row(`${label}: ws ack latency at ${half}/s`, at.ackedPerSec ?? 0, at.acked ?? 0, {
      latencyNs: latency(at),
      validation: 'no rejections',
      valid: (at.rejected ?? 0) === 0,
    }),
    note: notes.join('. '),
    ...(before === undefined || after === undefined
      ? {}
      : {
          stages: `${stageNote(`${label} at ${half}/s`, before, after)} · ${appendNote(before, after, 3)}`,
        }),
  };
}

/** CPU per order and the disk's use over one run, with the load generator's and any server's. */
function runNotes(label: string, run: LoadRun, idle: Idle): string {
  return (
    `${perOrderNote(label, run.cpu, run.orders, run.wallMs, idle.cpu)}. ` +
    diskNote(label, run.disk, run.orders, idle.disk)
  );
}

/** The cluster's processes by component; the leader node apart from the standbys. */
async function clusterComponents(state: ClusterState, nats: NatsConnection): Promise<Components> {
  const leader = await leaderNode(nats);
  const of = (kind: string) => state.processes.filter((p) => p.kind === kind).map((p) => p.pid);
  const nodes = state.processes.filter((p) => p.kind === 'node');
  const pg = of('postgres');
  return {
    'leader node': nodes.filter((p) => p.name === leader).map((p) => p.pid),
    'standby nodes': nodes.filter((p) => p.name !== leader).map((p) => p.pid),
    'etcd (3 members)': of('etcd'),
    'nats-server': of('nats'),
    projector: of('projector'),
    PostgreSQL: pg,
    gateways: of('gateway'),
    HAProxy: of('haproxy'),
  };
}

/** Each gateway's own address (not HAProxy's): its /metrics page. */
function gatewayUrls(state: ClusterState): string[] {
  return Object.entries(state.ports)
    .filter(([name]) => name.startsWith('gateway'))
    .map(([, port]) => `http://127.0.0.1:${port}`);
}

/**
 * The failover row of `kills` kills of `victim()` (failover.ts); every acknowledged order must be in
 * the engine at the end. Each kill's explanation goes to `lines`.
 */
async function failover(
  label: string,
  state: ClusterState,
  t: Trader,
  kills: number,
  victim: () => Promise<string>,
  lines: string[],
): Promise<Measurement> {
  const { samples, acked } = await killRepeatedly(label, state, t, MARKET, kills, victim, lines);
  const open = (await t.rest.openOrders()).items.map((o) => Number(o.orderId));
  const lost = acked.filter((id) => !open.includes(id)).length;
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return row(`failover after kill -9 of ${label} (${kills} kills)`, 0, kills, {
    latencyNs: {
      p50: ns(at(0.5)),
      p90: ns(at(0.9)),
      p99: ns(at(0.99)),
      p999: ns(at(0.999)),
      max: ns(s.at(-1) ?? 0),
      timerOverheadP50: 0,
    },
    valid: lost === 0,
    validation: `kill → first new ack; ${acked.length} orders acknowledged, ${lost} lost`,
  });
}

/** CPU ms of a gateway so far; it must still run. */
function gatewayCpuMs(pid: number): number {
  const ms = cpuMs(pid);
  if (ms === undefined) throw new Error(`gateway pid ${pid} is gone`);
  return ms;
}

/** Gateways' CPU per delivered market-data message, subscribers spread over the live gateways. */
async function marketDataRow(
  state: ClusterState,
  gateways: number,
  target: string[],
  subscribers: number,
  seconds: string,
) {
  const pids = state.processes
    .filter((p) => p.kind === 'gateway')
    .slice(0, gateways)
    .map((p) => p.pid);
  const before = pids.reduce((a, pid) => a + gatewayCpuMs(pid), 0);
  progress(`cluster: market data to ${subscribers} subscribers over ${gateways} gateway(s)`);
  const { r } = await loadtest([
    ...target,
    '--mode',
    'fanout',
    '--subscribers',
    String(subscribers),
    '--duration',
    seconds,
  ]);
  const used = pids.reduce((a, pid) => a + gatewayCpuMs(pid), 0) - before;
  const deliveries = r.deliveries ?? 0;
  const usPer = deliveries === 0 ? 0 : (used * 1000) / deliveries;
  return row(
    `market data, ${gateways} gateway(s): ${usPer.toFixed(1)} µs gateway CPU per delivered message`,
    0,
    deliveries,
    {
      latencyNs: latency(r),
      validation: `${deliveries} deliveries to ${subscribers} subscribers, ${used} ms of gateway CPU (includes the warm-up)`,
    },
  );
}

/** The failover rows: kills of the leader engine node, then of etcd's Raft leader (none at 0). */
async function failoverRows(
  s: ClusterState,
  nats: NatsConnection,
  t: Trader,
  options: BenchOptions,
  lines: string[],
): Promise<Measurement[]> {
  const rows: Measurement[] = [];
  if (options.clusterKills > 0) {
    rows.push(
      await failover(
        'the leader engine node',
        s,
        t,
        options.clusterKills,
        () => leaderNode(nats),
        lines,
      ),
    );
  }
  if (options.clusterEtcdKills > 0) {
    rows.push(
      await failover(
        "etcd's Raft leader",
        s,
        t,
        options.clusterEtcdKills,
        () => etcdLeader(s),
        lines,
      ),
    );
  }
  return rows;
}

/** Market data with two gateways, then with one (the other killed); none at 0 subscribers. */
async function marketDataRows(
  s: ClusterState,
  target: string[],
  subscribers: number,
  seconds: string,
): Promise<Measurement[]> {
  if (subscribers === 0) return [];
  const two = await marketDataRow(s, 2, target, subscribers, seconds);
  const second = s.processes.find((p) => p.name === 'gateway2')!;
  process.kill(second.pid, 'SIGKILL');
  await waitGone(second.pid);
  await new Promise((r) => setTimeout(r, 2_000)); // HAProxy's health check marks it down
  return [two, await marketDataRow(s, 1, target, subscribers, seconds)];
}

/** The bench market and two funded traders whose keys the load generator signs with. */
async function prepare(
  state: ClusterState,
  dir: string,
): Promise<{ traders: Trader[]; target: string[] }> {
  const admin = await bootstrapAdmin(state);
  await admin.request('POST', '/api/v1/admin/assets', {
    code: 'USD',
    scale: 1_000_000,
    assetId: 1,
  });
  await admin.request('POST', '/api/v1/admin/markets', marketSpec(MARKET));
  await admin.request('POST', `/api/v1/admin/markets/${MARKET}/status`, { status: 'open' });
  // Funded as the load generator funds its own server's accounts: resting orders never run dry.
  const funds = 4_000_000_000_000_000;
  const traders = [
    await trader(state, admin, 'bench-a', funds),
    await trader(state, admin, 'bench-b', funds),
  ];
  const target = ['--url', state.url, '--market', MARKET];
  for (const t of traders) {
    const file = join(dir, `${t.keyId}.pem`);
    writeFileSync(file, t.privateKeyPem, { mode: 0o600 });
    target.push('--key-id', t.keyId, '--key-file', file);
  }
  return { traders, target };
}

/** The cluster's rows through HAProxy, with every counter the latency run reads around it. */
function clusterOrderRows(
  s: ClusterState,
  nats: NatsConnection,
  target: string[],
  seconds: string,
  ladder: readonly number[],
  idle: Idle,
  options: BenchOptions,
): ReturnType<typeof orderRows> {
  return orderRows(
    'cluster through HAProxy',
    target,
    seconds,
    ladder,
    () => clusterComponents(s, nats),
    idle,
    async () => {
      const leader = await leaderNode(nats);
      const h = await scrapeHistograms(gatewayUrls(s), leader);
      return scrapeAppendCounters(h, gatewayUrls(s)[0]!, leader, s.etcd);
    },
    options.clusterLatencyRate,
    () => syncCounts(s),
    async () =>
      s.ports['nats-monitor'] === undefined
        ? undefined
        : natsTraffic(`http://127.0.0.1:${s.ports['nats-monitor']}`, await leaderNode(nats)),
    () => ReadModelLag.start(s.pgUrl),
  );
}

/** `bourse cluster up`'s arguments for the suite's cluster, with the suite's cluster options. */
function upArgs(dir: string, port: number, options: BenchOptions): string[] {
  const up = ['--data-dir', dir, '--port', String(port), '--no-demo', '--no-rate-limit'];
  up.push('--appends-in-flight', String(options.clusterAppendsInFlight));
  if (options.clusterAppendSpacingMs !== undefined) {
    up.push('--append-spacing-ms', options.clusterAppendSpacingMs);
  }
  if (options.clusterBackgroundNice !== undefined) {
    up.push('--background-nice', options.clusterBackgroundNice);
  }
  if (options.clusterOrderPathPriority !== undefined) {
    up.push('--order-path-priority', options.clusterOrderPathPriority);
  }
  return up;
}

export const clusterSuite: Suite = {
  name: 'cluster',
  title:
    'Cluster on loopback (3 etcd, 3 engine nodes, nats-server, 2 gateways, HAProxy) beside one server',
  async run(options: BenchOptions): Promise<SuiteResult> {
    const dir = mkdtempSync(join(tmpdir(), 'bourse-bench-cluster-'));
    const seconds = String(options.clusterSeconds);
    const measurements: Measurement[] = [];
    const cpuNotes: string[] = [];
    let state: ClusterState | undefined;
    let failed: string | undefined;
    try {
      const [port] = await freePorts(1);
      const priority = options.clusterLoadgenPriority
        ? parseOrderPathPriority(options.clusterOrderPathPriority ?? 'none')
        : undefined;
      loadgen.prefix = priorityPrefix(priority, 'gateway');
      // In this process, before the cluster takes the cores: the nodes' own path per command.
      progress('cluster: an engine node’s main thread per command');
      cpuNotes.push(await nodePathNote());
      progress('cluster: starting (bourse cluster up --no-demo)');
      if ((await clusterUpCommand(upArgs(dir, port!, options))) !== 0) {
        throw new Error('bourse cluster up failed');
      }
      state = readState(dir)!;
      const { traders, target } = await prepare(state, dir);
      const s = state;
      const nats = await connectNats(s.natsUrl, 'bench');
      // A latency rate alone measures latency alone; with a ladder, both.
      const ladder =
        options.clusterLadder ?? (options.clusterLatencyRate === undefined ? LADDER : []);
      const single = options.clusterSingle
        ? await orderRows('single-process server', [], seconds, ladder, async () => ({}))
        : { rows: [] };
      // The load generator starts that server itself: its start-up is in the figure.
      if (single.note !== undefined) single.note += ' (the server’s start-up included)';
      progress('cluster: idle CPU');
      const idle = await idleRates(await clusterComponents(s, nats), 5_000);
      const cluster = await clusterOrderRows(s, nats, target, seconds, ladder, idle, options);
      measurements.push(...single.rows, ...cluster.rows);
      for (const note of [single.note, cluster.note, cluster.latencyNote, cluster.stages]) {
        if (note !== undefined) cpuNotes.push(note);
      }
      cpuNotes.push(await logBytesNote(s.etcd));
      measurements.push(...(await failoverRows(s, nats, traders[0]!, options, cpuNotes)));
      await nats.close();
      measurements.push(...(await marketDataRows(s, target, options.clusterSubscribers, seconds)));
    } catch (error) {
      // What was measured so far is kept; the processes' logs stay for a look.
      failed = `${(error as Error).message} (logs in ${dir}/logs)`;
      progress(`cluster: stopped early: ${failed}`);
    } finally {
      if (state !== undefined) await stopAll(state);
      if (failed === undefined) rmSync(dir, { recursive: true, force: true });
    }
    return {
      measurements,
      notes: [
        ...(failed === undefined ? [] : [`Stopped early: ${failed}`]),
        ...cpuNotes,
        'Reproduce: npm run bench -- --suite cluster [--cluster-seconds 5] [--cluster-kills 20] [--cluster-etcd-kills 10] [--cluster-subscribers 1000]',
        'Everything (etcd, nodes, nats-server, PostgreSQL, gateways, HAProxy, load generator) shares this machine’s two cores.',
      ],
    };
  },
};
