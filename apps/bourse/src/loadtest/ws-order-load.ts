// Order entry over WebSocket at a target rate: crossing buy/sell pairs from two accounts spread over
// several sockets, each order's ack latency taken from its intended send time.

import { RequestSigner } from '@bourse/client';
import WebSocket from 'ws';
import { LatencyRecorder } from './latency-recorder.ts';
import type { LoadTarget } from './loadtest-target.ts';
import { runOpenLoop } from './open-loop.ts';

export interface OrderLoadResult {
  readonly offeredPerSec: number;
  readonly acked: number;
  readonly rejected: number;
  /** Rejections by error code. */
  readonly rejectCodes: Record<string, number>;
  readonly ackedPerSec: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
}

const WS_PATH = '/api/v1/ws';

function connect(url: string, signer: RequestSigner, ts: number): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${WS_PATH}`, {
    headers: signer.headers('GET', WS_PATH, ts),
    perMessageDeflate: false,
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

export async function wsOrderLoad(
  target: LoadTarget,
  rate: number,
  durationMs: number,
  connections: number,
): Promise<OrderLoadResult> {
  const total = Math.floor((rate * durationMs) / 1000);
  const intended = new Float64Array(total);
  const rec = new LatencyRecorder(total);
  let acked = 0;
  let rejected = 0;
  const rejectCodes: Record<string, number> = {};
  let lastAckAt = 0;
  const sockets: WebSocket[] = [];
  const conns = Math.max(2, connections - (connections % 2));
  for (let c = 0; c < conns; c++) {
    const user = target.users[c % 2]!;
    const ws = await connect(target.url, new RequestSigner(user), Date.now() + c);
    ws.on('message', (data) => {
      const now = performance.now();
      const text = data.toString();
      const m = JSON.parse(text) as { type?: string; id?: number; error?: { code: string } };
      if (typeof m.id !== 'number') return;
      if (m.type === 'ack') {
        acked++;
        lastAckAt = now;
        rec.record(now - intended[m.id]!);
      } else if (m.type === 'error') {
        rejected++;
        const code = m.error?.code ?? 'UNKNOWN';
        rejectCodes[code] = (rejectCodes[code] ?? 0) + 1;
      }
    });
    sockets.push(ws);
  }
  const start = performance.now();
  // Writes of one tick leave together: cork every socket once per tick, uncork after the tick.
  let corked = false;
  const raw = (ws: WebSocket) =>
    (ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
  await runOpenLoop(rate, durationMs, (i, at) => {
    intended[i] = at;
    if (!corked) {
      corked = true;
      for (const ws of sockets) raw(ws).cork();
      setImmediate(() => {
        corked = false;
        for (const ws of sockets) raw(ws).uncork();
      });
    }
    const c = i % conns;
    const side = c % 2 === 0 ? 'buy' : 'sell';
    sockets[c]!.send(
      `{"op":"place","id":${i},"order":{"market":"${target.market}","side":"${side}","priceTicks":5000,"qtyLots":100}}`,
    );
  });
  for (let i = 0; i < 1_000 && acked + rejected < total; i++)
    await new Promise((r) => setTimeout(r, 10));
  for (const ws of sockets) ws.close();
  const elapsed = Math.max(1, lastAckAt - start);
  return {
    offeredPerSec: rate,
    acked,
    rejected,
    rejectCodes,
    ackedPerSec: (acked / elapsed) * 1000,
    latencyMs: rec.summary(),
  };
}
