// The load generator's parts and a short end-to-end run: per-second percentiles by intended send
// time, order replies read without a JSON parse for acks (and with one for everything else), and
// `bourse loadtest` against a fresh server, where warm-up orders are answered but not counted.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LatencyRecorder } from '../src/loadtest/latency-recorder.ts';
import { defaultWarmupMs, orderCount } from '../src/loadtest/open-loop.ts';
import { parseBuckets, scavengeBytes, stagePercentiles } from '../src/loadtest/server-stages.ts';
import { readOrderReply } from '../src/loadtest/ws-order-load.ts';
import { worstWindows } from '../src/loadtest/run-windows.ts';
import { BOURSE_MAIN } from '../src/cluster/spawn-ready.ts';

const run = promisify(execFile);
const main = BOURSE_MAIN;

test('percentiles per second follow the intended send time', () => {
  const rec = new LatencyRecorder(300);
  // Second 0: latencies 1..100; second 1: 101..200 (sent in reverse order, to show grouping is
  // by send time, not by arrival).
  for (let i = 1; i <= 100; i++) rec.record(i, 1000 + i);
  for (let i = 200; i > 100; i--) rec.record(i, 2000 + (i - 100));
  const [s0, s1] = rec.perSecond(1000);
  assert.equal(s0!.second, 0);
  assert.equal(s0!.count, 100);
  assert.equal(s0!.p50, 51);
  assert.equal(s0!.p99, 100);
  assert.equal(s1!.second, 1);
  assert.equal(s1!.max, 200);
  assert.equal(s1!.p50, 151);
  assert.equal(rec.summary().p50, 101);
  assert.equal(rec.count, 200);
});

test('the recorder drops samples beyond its capacity instead of growing', () => {
  const rec = new LatencyRecorder(2);
  rec.record(1, 0);
  rec.record(2, 0);
  rec.record(3, 0);
  assert.equal(rec.count, 2);
  assert.equal(rec.summary().max, 2);
});

test('order replies: acks by prefix, errors and anything else by JSON', () => {
  const ack = Buffer.from('{"type":"ack","op":"place","id":12345,"order":{"orderId":7}}');
  assert.deepEqual(readOrderReply(ack), { kind: 'ack', id: 12345 });
  const err = Buffer.from('{"type":"error","id":9,"error":{"code":"INSUFFICIENT_FUNDS"}}');
  assert.deepEqual(readOrderReply(err), { kind: 'error', id: 9, code: 'INSUFFICIENT_FUNDS' });
  // Same meaning, other key order: still an ack, through the parser.
  const reordered = Buffer.from('{"id":4,"type":"ack","op":"place"}');
  assert.deepEqual(readOrderReply(reordered), { kind: 'ack', id: 4 });
  assert.equal(readOrderReply(Buffer.from('{"type":"pong","id":null}')), undefined);
  assert.equal(readOrderReply(Buffer.from('{"channel":"trades","trades":[]}')), undefined);
});

test('the default warm-up lasts 2 s, or 20,000 orders at a slow rate, at most 10 s', () => {
  assert.equal(defaultWarmupMs(60_000), 2_000);
  assert.equal(defaultWarmupMs(4_000), 5_000);
  assert.equal(defaultWarmupMs(1_000), 10_000);
  assert.equal(defaultWarmupMs(0), 2_000);
});

test('against a server it started, the default warm-up also lasts past its first snapshot', () => {
  // 100,000 commands between snapshots: at 50,000/s the first lands 2 s in, the warm-up ends 0.25 s later.
  assert.equal(defaultWarmupMs(50_000, 100_000), 2_250);
  assert.equal(defaultWarmupMs(200_000, 100_000), 2_000);
  // Past 10 s the snapshot is not waited for: the rule without it stands.
  assert.equal(defaultWarmupMs(4_000, 100_000), 5_000);
});

test('a run is its warm-up then its measured window, at one rate', () => {
  assert.equal(orderCount(1000, { warmupMs: 2000, durationMs: 5000 }), 7000);
  assert.equal(orderCount(333, { warmupMs: 0, durationMs: 1500 }), 499);
});

test('bourse loadtest over WebSocket counts only the measured window', async () => {
  const { stdout } = await run(
    process.execPath,
    [
      main,
      'loadtest',
      '--json',
      '--mode',
      'ws',
      '--rate',
      '1000',
      '--duration',
      '1',
      '--warmup',
      '1',
      '--windows',
      '250',
    ],
    { timeout: 120_000 },
  );
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    windows: {
      atMs: number;
      orders: number;
      server: Record<string, { n: number; maxMs: number }>;
      machine?: { sched: Record<string, { runMs: number }> };
    }[];
    acked: number;
    rejected: number;
    warmupMs: number;
    perSecond: { second: number; count: number }[];
    latencyMs: { p50: number; max: number };
    senderLag: { p99Ms: number; maxMs: number };
    senderCpuUsPerOrder: number;
    sendLateMs: { p50: number; p99: number; max: number };
    serverStages: Record<string, { count: number; p50Ms: number; p99Ms: number }>;
  };
  assert.equal(r.rejected, 0);
  assert.equal(r.warmupMs, 1000);
  // 2,000 orders sent; the 1,000 of the measured second are counted, each once.
  assert.equal(r.acked, 1000);
  assert.equal(
    r.perSecond.reduce((n, s) => n + s.count, 0),
    1000,
  );
  assert.ok(r.latencyMs.p50 > 0 && r.latencyMs.p50 <= r.latencyMs.max);
  assert.ok(r.senderLag.maxMs >= r.senderLag.p99Ms && r.senderLag.p99Ms > 0);
  assert.ok(r.senderCpuUsPerOrder > 0, 'the sender counts its own CPU per measured order');
  const late = r.sendLateMs;
  assert.ok(late.p50 >= 0 && late.p50 <= late.p99 && late.p99 <= late.max, 'send lateness');
  // The server's stages over the window: every stage saw the window's acks.
  for (const stage of ['queue', 'engine', 'journal_wait', 'journal_write', 'ack', 'core']) {
    const s = r.serverStages[stage];
    assert.ok(s !== undefined && s.count > 0 && s.p50Ms <= s.p99Ms, stage);
  }
  // The window in 250 ms pieces: every measured order in one of them, the server's journal writes
  // and acks recorded beside them.
  assert.equal(r.windows[1]!.atMs, 250);
  assert.equal(
    r.windows.reduce((n, w) => n + w.orders, 0),
    1000,
  );
  const served = (kind: string) => r.windows.reduce((n, w) => n + (w.server[kind]?.n ?? 0), 0);
  assert.ok(served('journal_write') > 0 && served('core') > 0, 'the server recorded its windows');
  if (process.platform === 'linux') {
    assert.ok(
      r.windows.some((w) => (w.machine?.sched.gateway?.runMs ?? 0) > 0),
      'thread times',
    );
  }
});

test("the server's histograms: percentiles of what they counted between two scrapes", () => {
  const page = (counts: readonly number[]) =>
    [
      '# TYPE bourse_ack_stage_seconds histogram',
      `bourse_ack_stage_seconds_bucket{stage="core",le="0.001"} ${counts[0]}`,
      `bourse_ack_stage_seconds_bucket{stage="core",le="0.002"} ${counts[1]}`,
      `bourse_ack_stage_seconds_bucket{stage="core",le="+Inf"} ${counts[2]}`,
      `bourse_ack_stage_seconds_bucket{stage="engine",le="0.001"} ${counts[2]}`,
      `bourse_ack_stage_seconds_bucket{stage="engine",le="+Inf"} ${counts[2]}`,
      `bourse_fsync_latency_seconds_bucket{le="0.001"} ${counts[0]}`,
      `bourse_fsync_latency_seconds_bucket{le="+Inf"} ${counts[0]}`,
    ].join('\n');
  const before = parseBuckets(page([10, 10, 10]));
  // Between the scrapes: 100 in (0, 1 ms], 100 in (1, 2 ms]; the engine counted nothing new.
  const stages = stagePercentiles(before, parseBuckets(page([110, 210, 210])));
  assert.deepEqual(Object.keys(stages), ['engine', 'core', 'fsync_latency']);
  assert.equal(stages.core!.count, 200);
  assert.equal(stages.core!.p50Ms, 1);
  assert.equal(stages.core!.p99Ms, 1.98);
  assert.equal(stages.engine!.count, 200);
  assert.equal(stages.fsync_latency!.count, 100);
});

test("the server's scavenges: the bytes they kept between two scrapes", () => {
  const page = (survived: readonly number[], promoted: number, allocated = promoted * 40) =>
    [
      `bourse_gc_pause_seconds_bucket{kind="scavenge",le="0.001"} ${survived[0]}`,
      `bourse_gc_pause_seconds_bucket{kind="scavenge",le="+Inf"} ${survived[2]}`,
      `bourse_gc_survived_bytes_bucket{le="1048576"} ${survived[0]}`,
      `bourse_gc_survived_bytes_bucket{le="2097152"} ${survived[1]}`,
      `bourse_gc_survived_bytes_bucket{le="+Inf"} ${survived[2]}`,
      `bourse_gc_promoted_bytes_total ${promoted}`,
      `bourse_gc_young_allocated_bytes_total ${allocated}`,
    ].join('\n');
  const before = parseBuckets(page([5, 5, 5], 1024 * 1024));
  // Between the scrapes: 10 scavenges keeping ≤ 1 MB, 10 keeping 1–2 MB, 3 MB promoted.
  const after = parseBuckets(page([15, 25, 25], 4 * 1024 * 1024));
  assert.deepEqual(scavengeBytes(before, after), {
    scavenges: 20,
    survivedP50Mb: 1,
    survivedP99Mb: 1.98,
    promotedMb: 3,
    allocatedMb: 120,
  });
  assert.equal(stagePercentiles(before, after).gc_scavenge!.count, 20);
  assert.equal(scavengeBytes(after, after), undefined);
});

test('bourse loadtest fan-out delivers every measured trade to every subscriber', async () => {
  const { stdout } = await run(
    process.execPath,
    [
      main,
      'loadtest',
      '--json',
      '--mode',
      'fanout',
      '--subscribers',
      '50',
      '--rate',
      '20',
      '--duration',
      '1',
      '--warmup',
      '1',
    ],
    { timeout: 120_000 },
  );
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    connected: number;
    deliveries: number;
    latencyMs: { p50: number; max: number };
  };
  assert.equal(r.connected, 50);
  // 20 orders a second alternate buy and sell at one price: a trade every second order. The trades
  // of the measured second (10, give or take one or two at its edges on a busy machine) reach each
  // of the 50 subscribers.
  assert.equal(r.deliveries % 50, 0);
  const tradesSeen = r.deliveries / 50;
  assert.ok(tradesSeen >= 8 && tradesSeen <= 12, `trades seen: ${tradesSeen}`);
  assert.ok(r.latencyMs.p50 >= 0 && r.latencyMs.p50 <= r.latencyMs.max);
});

test('the fan-out floor writes every frame and accounts the CPU of both sides', async () => {
  const floor = join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    '..',
    'bench',
    'server',
    'loopback-floor.ts',
  );
  const { stdout } = await run(
    process.execPath,
    [floor, '--subscribers', '200', '--rounds', '5', '--interval-ms', '20'],
    { timeout: 60_000 },
  );
  const r = JSON.parse(stdout.trim()) as {
    deliveries: number;
    writerCpuMsPerBroadcast: number;
    readerCpuMsPerBroadcast: number;
    minWallMsPerBroadcast: number;
  };
  assert.equal(r.deliveries, 1000);
  assert.ok(r.writerCpuMsPerBroadcast > 0 && r.readerCpuMsPerBroadcast > 0);
  assert.ok(r.minWallMsPerBroadcast > 0);
  assert.ok(
    r.minWallMsPerBroadcast <= r.writerCpuMsPerBroadcast + r.readerCpuMsPerBroadcast + 1e-9,
  );
});

test('the worst windows: highest p99 first, with what the server and the machine did then', () => {
  const w = (atMs: number, p99Ms: number, journal: number) => ({
    atMs,
    orders: 100,
    p99Ms,
    maxMs: p99Ms,
    sendLateP99Ms: 1,
    server: { journal_write: { n: 3, sumMs: journal, maxMs: journal } },
    machine: { sched: { gateway: { runMs: 100, waitMs: 20 } } },
  });
  const text = worstWindows([w(0, 3, 0.5), w(250, 12, 9), w(500, 0, 0), w(750, 5, 1)], 2);
  assert.equal(
    text,
    '250 ms: p99 12.0 (sent late 1.0, journal max 9.0, core max –, loop delay max –, gc max 0.0, ' +
      'gateway waited 20.0 ms) · 750 ms: p99 5.0 (sent late 1.0, journal max 1.0, core max –, ' +
      'loop delay max –, gc max 0.0, gateway waited 20.0 ms)',
  );
});
