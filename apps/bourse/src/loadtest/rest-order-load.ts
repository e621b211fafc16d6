// Order entry over REST at a target rate through keep-alive connections. Ed25519 signatures are
// deterministic, so each key signs at most one request per millisecond for a path: the sender spreads
// requests over many keys of the two accounts to stay inside the exchange's replay rules.

import { generateKeyPairSync } from 'node:crypto';
import { Agent, request } from 'node:http';
import { RequestSigner } from '@bourse/client';
import { LatencyRecorder } from './latency-recorder.ts';
import type { LoadTarget } from './loadtest-target.ts';
import { runOpenLoop } from './open-loop.ts';
import type { OrderLoadResult } from './ws-order-load.ts';

export async function restOrderLoad(
  target: LoadTarget,
  rate: number,
  durationMs: number,
  connections: number,
  signers: readonly RequestSigner[][],
): Promise<OrderLoadResult> {
  const total = Math.floor((rate * durationMs) / 1000);
  const rec = new LatencyRecorder(total);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL(target.url);
  const lastTs = new Map<RequestSigner, number>();
  let acked = 0;
  let rejected = 0;
  const rejectCodes: Record<string, number> = {};
  let lastAckAt = 0;
  let done = 0;
  const start = performance.now();
  await runOpenLoop(rate, durationMs, (i, at) => {
    const side = i % 2 === 0 ? 'buy' : 'sell';
    const pool = signers[i % 2]!;
    const signer = pool[Math.floor(i / 2) % pool.length]!;
    const ts = Math.max(Date.now(), (lastTs.get(signer) ?? 0) + 1);
    lastTs.set(signer, ts);
    const body = `{"market":"${target.market}","side":"${side}","priceTicks":5000,"qtyLots":100}`;
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/api/v1/orders',
        headers: {
          ...signer.headers('POST', '/api/v1/orders', ts),
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          done++;
          const now = performance.now();
          if (res.statusCode === 201) {
            acked++;
            lastAckAt = now;
            rec.record(now - at);
          } else {
            rejected++;
            let code = `HTTP_${res.statusCode}`;
            try {
              code = (JSON.parse(Buffer.concat(chunks).toString()) as { error: { code: string } })
                .error.code;
            } catch {}
            rejectCodes[code] = (rejectCodes[code] ?? 0) + 1;
          }
        });
      },
    );
    req.on('error', () => {
      done++;
      rejected++;
      rejectCodes.SOCKET_ERROR = (rejectCodes.SOCKET_ERROR ?? 0) + 1;
    });
    req.end(body);
  });
  for (let i = 0; i < 1_000 && done < total; i++) await new Promise((r) => setTimeout(r, 10));
  agent.destroy();
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

/** Makes `perUser` extra Ed25519 keys for each load user through the public API (account/api-keys). */
export async function extraSigners(
  target: LoadTarget,
  perUser: number,
): Promise<RequestSigner[][]> {
  const out: RequestSigner[][] = [];
  for (const user of target.users) {
    const base = new RequestSigner(user);
    const pool: RequestSigner[] = [base];
    for (let k = 1; k < perUser; k++) {
      const pair = generateKeyPairSync('ed25519');
      const path = '/api/v1/account/api-keys';
      const res = await fetch(`${target.url}${path}`, {
        method: 'POST',
        headers: {
          ...base.headers('POST', path, Date.now() + k),
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          scopes: ['read', 'trade'],
          label: 'loadtest',
        }),
      });
      const key = (await res.json()) as { keyId: string };
      pool.push(new RequestSigner({ keyId: key.keyId, privateKey: pair.privateKey }));
    }
    out.push(pool);
  }
  return out;
}
