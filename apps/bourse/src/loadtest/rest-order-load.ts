// Order entry over REST at a target rate through keep-alive connections (a lean client, see
// http-wire-pool.ts). Ed25519 signatures are
// deterministic, so each key signs at most one request per millisecond for a path: the sender spreads
// requests over many keys of the two accounts to stay inside the exchange's replay rules (and per-key
// rate limits). With `--auth token` each key mints one bearer token before the timed run and every
// order carries it instead of a signature, so neither side spends time on signatures.

import { generateKeyPairSync } from 'node:crypto';
import { type IssuedToken, RequestSigner, TOKEN_PATH } from '@bourse/client';
import { HttpWirePool } from './http-wire-pool.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import type { LoadTarget } from './loadtest-target.ts';
import { type LoadWindow, orderCount, runOpenLoop } from './open-loop.ts';
import { SenderLagMonitor } from './sender-lag.ts';
import type { OrderLoadResult } from './ws-order-load.ts';

export type RestAuthMode = 'signed' | 'token';

/** The authentication headers of one order request of one key. */
export type KeyAuth = () => Record<string, string>;

const ORDER_PATH = '/api/v1/orders';

/**
 * One header source per key, in the same pools as `signers`: a fresh signature per request (with
 * strictly increasing timestamps), or the bearer token the key minted here, before any timing starts.
 */
export async function keyAuths(
  target: LoadTarget,
  signers: readonly RequestSigner[][],
  mode: RestAuthMode,
  ttlSeconds: number,
): Promise<KeyAuth[][]> {
  const out: KeyAuth[][] = [];
  for (const pool of signers) {
    const auths: KeyAuth[] = [];
    for (const signer of pool) {
      if (mode === 'signed') {
        let lastTs = 0;
        auths.push(() => {
          lastTs = Math.max(Date.now(), lastTs + 1);
          return signer.headers('POST', ORDER_PATH, lastTs);
        });
      } else {
        const headers = { authorization: `Bearer ${await mintToken(target, signer, ttlSeconds)}` };
        auths.push(() => headers);
      }
    }
    out.push(auths);
  }
  return out;
}

async function mintToken(
  target: LoadTarget,
  signer: RequestSigner,
  ttlSeconds: number,
): Promise<string> {
  const res = await fetch(`${target.url}${TOKEN_PATH}`, {
    method: 'POST',
    headers: {
      ...signer.headers('POST', TOKEN_PATH, Date.now()),
      'content-type': 'application/json',
    },
    body: JSON.stringify({ ttlSeconds }),
  });
  const body = (await res.json()) as IssuedToken | { error?: { code?: string } };
  if (res.status !== 201 || !('token' in body)) {
    const code = 'error' in body ? body.error?.code : undefined;
    throw new Error(`minting a bearer token failed: HTTP ${res.status} ${code ?? ''}`);
  }
  return body.token;
}

export async function restOrderLoad(
  target: LoadTarget,
  rate: number,
  window: LoadWindow,
  connections: number,
  auths: readonly KeyAuth[][],
): Promise<OrderLoadResult> {
  const total = orderCount(rate, window);
  const rec = new LatencyRecorder(total);
  const pool = new HttpWirePool(new URL(target.url), connections);
  let acked = 0;
  let rejected = 0;
  const rejectCodes: Record<string, number> = {};
  let lastAckAt = 0;
  let done = 0;
  const reject = (code: string) => {
    rejected++;
    rejectCodes[code] = (rejectCodes[code] ?? 0) + 1;
  };
  const start = performance.now();
  const measureFrom = start + window.warmupMs;
  const lag = new SenderLagMonitor();
  const lagStart = setTimeout(() => lag.start(), window.warmupMs);
  await runOpenLoop(
    rate,
    window.warmupMs + window.durationMs,
    (i, at) => {
      const side = i % 2 === 0 ? 'buy' : 'sell';
      const keys = auths[i % 2]!;
      const auth = keys[Math.floor(i / 2) % keys.length]!;
      const body = `{"market":"${target.market}","side":"${side}","priceTicks":5000,"qtyLots":100}`;
      pool.post(ORDER_PATH, auth(), body).then(
        (res) => {
          done++;
          const now = performance.now();
          if (res.status === 201) {
            if (at < measureFrom) return;
            acked++;
            lastAckAt = now;
            rec.record(now - at, at);
            return;
          }
          let code = `HTTP_${res.status}`;
          try {
            code = (JSON.parse(res.body.toString()) as { error: { code: string } }).error.code;
          } catch {}
          reject(code);
        },
        () => {
          done++;
          reject('SOCKET_ERROR');
        },
      );
    },
    start,
  );
  clearTimeout(lagStart);
  const senderLag = lag.stop();
  for (let i = 0; i < 1_000 && done < total; i++) await new Promise((r) => setTimeout(r, 10));
  pool.close();
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
