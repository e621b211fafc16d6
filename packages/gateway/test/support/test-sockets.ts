// WebSocket helpers for the gateway's end-to-end tests: open a socket with given handshake headers and
// keep a promise of how it closed, check that a socket still answers, and mint a bearer token.

import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { TestUser } from './test-exchange.ts';

export const WS_PATH = '/api/v1/ws';

export interface OpenSocket {
  readonly ws: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** A socket on `/api/v1/ws` of the server at `baseUrl`, once open. */
export async function openSocket(
  baseUrl: string,
  headers: Record<string, string>,
): Promise<OpenSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${WS_PATH}`, { headers });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, closed };
}

/** Still open: answers a ping with a pong. */
export async function stillOpen(s: OpenSocket): Promise<void> {
  assert.equal(s.ws.readyState, WebSocket.OPEN);
  const pong = new Promise<unknown>((resolve) =>
    s.ws.once('message', (data) => resolve(JSON.parse(data.toString()))),
  );
  s.ws.send(JSON.stringify({ op: 'ping', id: 1 }));
  assert.equal(((await pong) as { type: string }).type, 'pong');
}

/** A bearer token minted by a request signed with the user's key; answers the token and its expiry. */
export async function mintToken(
  baseUrl: string,
  u: TestUser,
  ttlSeconds?: number,
): Promise<{ token: string; expiresAt: number }> {
  const path = '/api/v1/auth/token';
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { ...u.rest.authHeaders('POST', path), 'content-type': 'application/json' },
    body: JSON.stringify(ttlSeconds === undefined ? {} : { ttlSeconds }),
  });
  assert.equal(res.status, 201);
  return (await res.json()) as { token: string; expiresAt: number };
}

/** The value of a counter (without labels) in the server's Prometheus text. */
export async function metricValue(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  assert.ok(m !== null, `no metric ${name}`);
  return Number(m[1]);
}
