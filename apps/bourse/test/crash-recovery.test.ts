// Crash safety of the whole server: `bourse serve` runs as a child process, two users stream orders
// over WebSocket, the server is SIGKILLed mid-stream and restarted on the same data directory. Every
// acknowledged order is still there with the outcome its ack reported, the recovered state hash equals
// a fresh replay of the journal, and the invariants (money conserved) hold.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type OrderAck, RestClient, SocketClient } from '@bourse/client';
import { createUserWithAccount, type Role } from '@bourse/gateway';
import { replayDataDir } from '@bourse/sequencer';
import { openExchange } from '../src/open-exchange.ts';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'main.ts');
const MARKET = 'CRASH-YES';

interface Key {
  keyId: string;
  privateKey: KeyObject;
}

async function provision(dir: string): Promise<Record<string, Key>> {
  const ex = await openExchange(dir);
  try {
    const s = ex.gateway.services;
    await s.submit({ type: 'createAsset', assetId: 1, code: 'USD', scale: 1_000_000 });
    s.rememberAsset({ assetId: 1, code: 'USD', scale: 1_000_000 });
    await s.submit({
      type: 'createInstrument',
      spec: {
        kind: 'binary',
        instrumentId: 1,
        symbol: MARKET,
        seriesTicker: 'C',
        eventTicker: 'C-1',
        title: 'crash',
        settlementAssetId: 1,
        payoutTicks: 10_000,
        lotsPerContract: 100,
        tickSize: 100,
        minPriceTicks: 100,
        maxPriceTicks: 9_900,
        lotSize: 100,
        moneyPerTickLot: 1,
        fees: { kind: 'kalshi', makerRatePpm: 0, takerRatePpm: 70_000, roundingUnit: 10_000 },
        limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
      },
    });
    await s.submit({ type: 'setMarketStatus', instrumentId: 1, status: 'open' });
    const keys: Record<string, Key> = {};
    for (const [name, role] of [
      ['a', 'trader'],
      ['b', 'trader'],
      ['root', 'admin'],
    ] as [string, Role][]) {
      const u = await createUserWithAccount(s, { username: name, role });
      await s.submit({
        type: 'deposit',
        accountId: u.accountId,
        assetId: 1,
        amount: 1_000_000_000_000,
      });
      const pair = generateKeyPairSync('ed25519');
      const k = await s.auth.addApiKey({
        userId: u.userId,
        publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        scopes: role === 'admin' ? ['read', 'trade', 'admin'] : ['read', 'trade'],
        label: 'test',
        now: Date.now(),
      });
      keys[name] = { keyId: k.keyId, privateKey: pair.privateKey };
    }
    return keys;
  } finally {
    await ex.close();
  }
}

function serve(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      main,
      'serve',
      '--no-demo',
      '--no-rate-limit',
      '--port',
      '0',
      '--data-dir',
      dir,
      '--log-level',
      'warn',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
}

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
