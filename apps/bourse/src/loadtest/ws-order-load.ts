// Order entry over WebSocket at a target rate: crossing buy/sell pairs from two accounts spread over
// several sockets, each order's ack latency taken from its intended send time. The sockets use the
// minimal client (ws-wire-client.ts) and acks are recognised by their leading bytes, so the sender
// spends little of the machine it shares with the server.

import { RequestSigner } from '@bourse/client';
import { type LatencySecond, type LatencySummary, LatencyRecorder } from './latency-recorder.ts';
import type { LoadTarget } from './loadtest-target.ts';
import { type LoadWindow, orderCount, runOpenLoop } from './open-loop.ts';
import { type SenderLag, SenderLagMonitor } from './sender-lag.ts';
import {
  type ScavengeBytes,
  type Scrape,
  scrapeMetrics,
  type StagePercentiles,
  scavengeBytes,
  stagePercentiles,
} from './server-stages.ts';
import { type CpuPerOrder, ThreadCpuMeter } from './thread-cpu.ts';
import { openWireSocket, type WireSocket } from './ws-wire-client.ts';
import { type RunWindow, WindowProbe } from './run-windows.ts';

export interface OrderLoadResult {
  readonly offeredPerSec: number;
  readonly acked: number;
  readonly rejected: number;
  /** Rejections by error code. */
  readonly rejectCodes: Record<string, number>;
  readonly ackedPerSec: number;
  readonly latencyMs: LatencySummary;
  /** The same percentiles for each second of the run. */
  readonly perSecond: readonly LatencySecond[];
  /** The load generator's own event-loop delay while measuring. */
  readonly senderLag: SenderLag;
  /**
   * The load generator's own CPU (every thread of its process) per measured order, over the measured
   * window and the drain: its cost while it measures, without its start-up and warm-up.
   */
  readonly senderCpuUsPerOrder?: number;
  /**
   * How late each measured order's frame was handed to its socket after its intended time (the
   * sender's timer ticks and event-loop delay): a part of every latency above that is the sender's.
   */
  readonly sendLateMs?: { readonly p50: number; readonly p99: number; readonly max: number };
  /** CPU per measured order by thread, when this run started the server (Linux only). */
  readonly cpuPerOrderUs?: CpuPerOrder;
  /** The server's latency histograms over the window (from `OPEN_LEAD_MS` before it) and the drain. */
  readonly serverStages?: Record<string, StagePercentiles>;
  /** What survived the gateway thread's scavenges over the same span. */
  readonly serverGc?: ScavengeBytes;
  /** The measured window cut into `windowMs` pieces (`--windows`), with the server's and machine's figures. */
  readonly windows?: readonly RunWindow[];
}

const WS_PATH = '/api/v1/ws';
/**
 * How long before the measured window the server's histograms and timeline are asked for (ms): so
 * the histograms also hold the warm-up's last orders (2 % of a 5 s window).
 */
const OPEN_LEAD_MS = 100;
/** How the gateway starts an order ack: `{"type":"ack","op":"place","id":<n>,…`. */
const ACK_PREFIX = Buffer.from('{"type":"ack","op":"place","id":');

export type OrderReply = { kind: 'ack'; id: number } | { kind: 'error'; id: number; code: string };

/** Reads an order reply: acks by their fixed prefix (no JSON parse), anything else parsed. */
export function readOrderReply(payload: Buffer): OrderReply | undefined {
  const n = ACK_PREFIX.length;
  if (payload.length > n && payload.compare(ACK_PREFIX, 0, n, 0, n) === 0) {
    let id = 0;
    let at = ACK_PREFIX.length;
    for (let d = payload[at]!; d >= 0x30 && d <= 0x39; d = payload[++at]!) id = id * 10 + d - 0x30;
    if (at > ACK_PREFIX.length) return { kind: 'ack', id };
  }
  const m = JSON.parse(payload.toString()) as {
    type?: string;
    id?: unknown;
    error?: { code: string };
  };
  if (typeof m.id !== 'number') return undefined;
  if (m.type === 'ack') return { kind: 'ack', id: m.id };
  if (m.type === 'error') return { kind: 'error', id: m.id, code: m.error?.code ?? 'UNKNOWN' };
  return undefined;
}

export async function wsOrderLoad(
  target: LoadTarget,
  rate: number,
  window: LoadWindow,
  connections: number,
  /** Cut the measured window into pieces this long (ms) and report each; 0: not. */
  windowMs = 0,
): Promise<OrderLoadResult> {
  const total = orderCount(rate, window);
  const intended = new Float64Array(total);
  const latency = new Float64Array(windowMs > 0 ? total : 0).fill(Number.NaN);
  const rec = new LatencyRecorder(total);
  let acked = 0;
  let answered = 0;
  let rejected = 0;
  let measureFrom = Number.POSITIVE_INFINITY;
  const rejectCodes: Record<string, number> = {};
  let lastAckAt = 0;
  const onText = (payload: Buffer) => {
    const now = performance.now();
    const reply = readOrderReply(payload);
    if (reply === undefined || reply.id >= total) return;
    answered++;
    if (reply.kind === 'error') {
      rejected++;
      rejectCodes[reply.code] = (rejectCodes[reply.code] ?? 0) + 1;
      return;
    }
    const at = intended[reply.id]!;
    if (at < measureFrom) return;
    acked++;
    lastAckAt = now;
    rec.record(now - at, at);
    if (windowMs > 0) latency[reply.id] = now - at;
  };
  const url = new URL(target.url);
  const sockets: WireSocket[] = [];
  const conns = Math.max(2, connections - (connections % 2));
  for (let c = 0; c < conns; c++) {
    const signer = new RequestSigner(target.users[c % 2]!);
    const headers = signer.headers('GET', WS_PATH, Date.now() + c);
    sockets.push(await openWireSocket(url, WS_PATH, onText, headers));
  }
  // A process's first fetch loads its HTTP client (tens of ms on this thread) and a server's first
  // /metrics page compiles its rendering: both happen now, before any order is due, instead of when
  // the measured window opens, where they froze the sender with that window's orders due.
  await scrapeMetrics(target.url);
  const start = performance.now();
  measureFrom = start + window.warmupMs;
  const lag = new SenderLagMonitor();
  const cpu = target.pid === undefined ? undefined : new ThreadCpuMeter(target.pid);
  let stagesBefore: Promise<Scrape | undefined> = Promise.resolve(undefined);
  let senderCpuFrom: NodeJS.CpuUsage | undefined;
  const probe =
    windowMs > 0 ? new WindowProbe(target.url, target.pid, windowMs, target.dataDir) : undefined;
  let probing: Promise<void> = Promise.resolve();
  // The server's page and timeline are asked for just before the window opens: the page's rendering
  // (on the gateway thread) and its parsing (on this one) then delay warm-up orders, not measured ones.
  const askStart = setTimeout(
    () => {
      stagesBefore = scrapeMetrics(target.url);
      probing = probe?.start(measureFrom) ?? probing;
    },
    Math.max(0, window.warmupMs - OPEN_LEAD_MS),
  );
  const lagStart = setTimeout(() => {
    senderCpuFrom = process.cpuUsage();
    lag.start();
    cpu?.start();
  }, window.warmupMs);
  // Each order's frame is written from these bytes and its id's digits, masked into the socket's
  // slab; a tick's frames leave in one write per socket, flushed once after the tick.
  const prefix = Buffer.from('{"op":"place","id":');
  const suffixes = ['buy', 'sell'].map((side) =>
    Buffer.from(
      `,"order":{"market":"${target.market}","side":"${side}","priceTicks":5000,"qtyLots":100}}`,
    ),
  );
  let flushing = false;
  // Orders queued since the last flush start here; each one's lateness is taken as it is written.
  let unflushed = 0;
  let queued = 0;
  const late = new Float64Array(total);
  const flush = () => {
    flushing = false;
    for (const s of sockets) s.flush();
    const now = performance.now();
    for (; unflushed < queued; unflushed++) late[unflushed] = now - intended[unflushed]!;
  };
  await runOpenLoop(
    rate,
    window.warmupMs + window.durationMs,
    (i, at) => {
      intended[i] = at;
      if (!flushing) {
        flushing = true;
        setImmediate(flush);
      }
      const c = i % conns;
      sockets[c]!.queueText(prefix, i, suffixes[c % 2]!);
      queued = i + 1;
    },
    start,
  );
  clearTimeout(askStart);
  clearTimeout(lagStart);
  const senderLag = lag.stop();
  for (let i = 0; i < 1_000 && answered < total; i++) await new Promise((r) => setTimeout(r, 10));
  // Over the measured orders and their drain: the warm-up's are left out.
  const measured = total - orderCount(rate, { warmupMs: window.warmupMs, durationMs: 0 });
  const cpuPerOrderUs = cpu?.stop(measured);
  const senderCpu = senderCpuFrom === undefined ? undefined : process.cpuUsage(senderCpuFrom);
  await probing;
  const warmup = total - measured;
  const windows = await probe?.stop({ intended, latency, late, from: warmup, to: queued });
  const [before, after] = [await stagesBefore, await scrapeMetrics(target.url)];
  const serverStages =
    before === undefined || after === undefined ? undefined : stagePercentiles(before, after);
  const serverGc =
    before === undefined || after === undefined ? undefined : scavengeBytes(before, after);
  for (const s of sockets) s.close();
  const elapsed = Math.max(1, lastAckAt - measureFrom);
  return {
    offeredPerSec: rate,
    acked,
    rejected,
    rejectCodes,
    ackedPerSec: (acked / elapsed) * 1000,
    latencyMs: rec.summary(),
    perSecond: rec.perSecond(measureFrom),
    senderLag,
    ...(senderCpu === undefined || measured <= 0
      ? {}
      : { senderCpuUsPerOrder: (senderCpu.user + senderCpu.system) / measured }),
    ...sendLateness(late, total - measured, queued),
    ...(cpuPerOrderUs === undefined ? {} : { cpuPerOrderUs }),
    ...(serverStages === undefined ? {} : { serverStages }),
    ...(serverGc === undefined ? {} : { serverGc }),
    ...(windows === undefined ? {} : { windows }),
  };
}

/** Percentiles of the measured orders' send lateness (orders `from` to `to`, warm-up left out). */
function sendLateness(
  late: Float64Array,
  from: number,
  to: number,
): { sendLateMs?: { p50: number; p99: number; max: number } } {
  if (to <= from) return {};
  const sorted = late.slice(from, to).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { sendLateMs: { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]! } };
}
