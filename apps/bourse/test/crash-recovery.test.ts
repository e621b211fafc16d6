// Crash safety of the whole server: `bourse serve` runs as a child process, two users stream orders
// over WebSocket, the server is SIGKILLed mid-stream and restarted on the same data directory. Every
// acknowledged order is still there with the outcome its ack reported, the recovered state hash equals
// a fresh replay of the journal, and the invariants (money conserved) hold.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type OrderAck, RestClient, SocketClient } from '@bourse/client';
import { replayDataDir } from '@bourse/core';
import { MARKET, provision, serve } from './fixtures/served-exchange.ts';

test('SIGKILL mid-stream loses no acknowledged order; recovery equals a fresh replay', {
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-crash-'));
  try {
    const keys = await provision(dir);
    const first = await serve(dir);
    const clients = {
      a: new RestClient({ baseUrl: first.url, credentials: keys.a! }),
      b: new RestClient({ baseUrl: first.url, credentials: keys.b! }),
    };
    const acks = new Map<number, { user: 'a' | 'b'; ack: OrderAck }>();
    const sockets = await Promise.all(
      (['a', 'b'] as const).map(async (user) => {
        const ws = await SocketClient.connect(clients[user]);
        ws.onMessage = (m) => {
          if (m.type === 'ack' && m.op === 'place') {
            const ack = m.order as OrderAck;
            acks.set(ack.orderId, { user, ack });
          }
        };
        return ws;
      }),
    );
    // Stream orders until enough are acknowledged, then kill the server while more are in flight.
    let i = 0;
    while (acks.size < 400 && i < 50_000) {
      for (let k = 0; k < 20; k++, i++) {
        const side = i % 2 === 0 ? 'buy' : 'sell';
        const priceTicks = 4_000 + ((i * 7) % 11) * 100;
        sockets[i % 2]!.sendRaw({
          op: 'place',
          id: 1_000_000 + i,
          order: { market: MARKET, side, priceTicks, qtyLots: 100 * (1 + (i % 3)) },
        });
      }
      await sleep(2);
    }
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    assert.ok(acks.size >= 400, `acknowledged ${acks.size}`);

    const second = await serve(dir);
    try {
      const again = {
        a: new RestClient({ baseUrl: second.url, credentials: keys.a! }),
        b: new RestClient({ baseUrl: second.url, credentials: keys.b! }),
      };
      for (const [orderId, { user, ack }] of acks) {
        const o = (await again[user].order(orderId)) as { filledQtyLots: number; status: string };
        if (ack.status === 'filled') assert.equal(o.status, 'filled', `order ${orderId}`);
        if (ack.status === 'cancelled') assert.equal(o.status, 'cancelled', `order ${orderId}`);
        // Later orders may fill more of a resting order, never less than its ack reported.
        assert.ok(o.filledQtyLots >= ack.filledQtyLots, `order ${orderId}`);
      }
      // The 24-hour volume survives the restart (seeded from the candles).
      const market = await again.a.market(MARKET);
      assert.ok(market.volume24hLots > 0);
      const root = new RestClient({ baseUrl: second.url, credentials: keys.root! });
      const live = await root.request<{ seq: number; hash: string; violations: string[] }>(
        'GET',
        '/api/v1/admin/state',
      );
      assert.deepEqual(live.violations, []);
      const stopped = new Promise((r) => second.child.once('exit', r));
      second.child.kill('SIGTERM');
      await stopped;
      const replay = await replayDataDir(dir);
      assert.equal(replay.seq, live.seq);
      assert.equal(replay.hash, live.hash);
      assert.deepEqual(replay.violations, []);
    } finally {
      second.child.kill('SIGKILL');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
