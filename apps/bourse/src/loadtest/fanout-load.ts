// Market-data fan-out: N anonymous sockets subscribe to one market's book and trades while a driver
// trades at a modest rate; each subscriber measures how late each trade reaches it (receive time minus
// the trade's sequencer timestamp, same machine clock, millisecond resolution). Subscribers use a
// minimal WebSocket client (ws-wire-client.ts), so the test spends the cores on the server, not on
// 10,000 copies of a full client library.

import { RequestSigner } from '@bourse/client';
import WebSocket from 'ws';
import { LatencyRecorder } from './latency-recorder.ts';
import type { LoadTarget } from './loadtest-target.ts';
import { type LoadWindow, runOpenLoop } from './open-loop.ts';
import { openWireSocket, type WireSocket } from './ws-wire-client.ts';

export interface FanoutResult {
  readonly subscribers: number;
  readonly connected: number;
  readonly tradesPerSec: number;
  readonly deliveries: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
}

const WS_PATH = '/api/v1/ws';
const TRADES_PREFIX = Buffer.from('{"channel":"trades"');

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${WS_PATH}`, {
    headers,
    perMessageDeflate: false,
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

export async function fanoutLoad(
  target: LoadTarget,
  subscribers: number,
  orderRate: number,
  window: LoadWindow,
): Promise<FanoutResult> {
  const rec = new LatencyRecorder(20_000_000);
  const subs: WireSocket[] = [];
  const sub = `{"op":"subscribe","channel":"trades","market":"${target.market}"}`;
  const book = `{"op":"subscribe","channel":"book","market":"${target.market}"}`;
  const url = new URL(target.url);
  // Trades stamped before this (wall clock, as the trades' ts) belong to the warm-up.
  let measureFromTs = Number.POSITIVE_INFINITY;
  // Every subscriber gets the same bytes for a broadcast, so the trades' times are parsed once per
  // distinct message, not 10,000 times: the reader's CPU is taken from the server under test.
  let lastTrades: Buffer = Buffer.alloc(0);
  let lastTimes: number[] = [];
  const onText = (payload: Buffer) => {
    if (!payload.subarray(0, TRADES_PREFIX.length).equals(TRADES_PREFIX)) return;
    const now = Date.now();
    if (!payload.equals(lastTrades)) {
      lastTrades = Buffer.from(payload);
      lastTimes = (JSON.parse(payload.toString()) as { trades: { ts: number }[] }).trades.map(
        (t) => t.ts,
      );
    }
    for (const ts of lastTimes) if (ts >= measureFromTs) rec.record(now - ts);
  };
  for (let i = 0; i < subscribers; i += 100) {
    const batch = await Promise.allSettled(
      Array.from({ length: Math.min(100, subscribers - i) }, () =>
        openWireSocket(url, WS_PATH, onText),
      ),
    );
    for (const r of batch) {
      if (r.status !== 'fulfilled') continue;
      r.value.send(sub);
      r.value.send(book);
      subs.push(r.value);
    }
  }
  const drivers = await Promise.all(
    target.users.map((u, k) =>
      open(target.url, new RequestSigner(u).headers('GET', WS_PATH, Date.now() + k)),
    ),
  );
  await new Promise((r) => setTimeout(r, 200));
  measureFromTs = Date.now() + window.warmupMs;
  await runOpenLoop(orderRate, window.warmupMs + window.durationMs, (i) => {
    const side = i % 2 === 0 ? 'buy' : 'sell';
    drivers[i % 2]!.send(
      `{"op":"place","id":${i},"order":{"market":"${target.market}","side":"${side}","priceTicks":5000,"qtyLots":100}}`,
    );
  });
  await new Promise((r) => setTimeout(r, 500));
  for (const s of subs) s.close();
  for (const ws of drivers) ws.terminate();
  return {
    subscribers,
    connected: subs.length,
    tradesPerSec: orderRate / 2,
    deliveries: rec.count,
    latencyMs: rec.summary(),
  };
}
