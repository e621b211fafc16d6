// A WebSocket is authenticated once, at the handshake; when the credentials behind it are withdrawn
// (the API key revoked, the bearer token revoked, the user disabled or given another role) the socket
// is closed at once with 1008 CREDENTIALS_REVOKED, and nobody else's socket is touched.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';
import {
  mintToken,
  type OpenSocket,
  openSocket,
  stillOpen,
  WS_PATH,
} from './support/test-sockets.ts';

let ex: TestExchange;
before(async () => {
  ex = await startTestExchange();
});
after(() => ex.close());

const open = (headers: Record<string, string>) => openSocket(ex.baseUrl, headers);

const signedSocket = (u: TestUser) => open(u.rest.authHeaders('GET', WS_PATH));

async function tokenSocket(u: TestUser): Promise<{ socket: OpenSocket; token: string }> {
  const { token } = await mintToken(ex.baseUrl, u);
  return { socket: await open({ authorization: `Bearer ${token}` }), token };
}

async function closedAsRevoked(s: OpenSocket): Promise<void> {
  assert.deepEqual(await s.closed, { code: 1008, reason: 'CREDENTIALS_REVOKED' });
}

test('revoking an API key closes its signed and token sockets, and only those', async () => {
  const dana = await ex.addUser('dana', 'trader', 10_000_000);
  const erin = await ex.addUser('erin', 'trader', 10_000_000);
  const signed = await signedSocket(dana);
  const { socket: viaToken } = await tokenSocket(dana);
  const bystander = await signedSocket(erin);

  const path = `/api/v1/account/api-keys/${dana.keyId}`;
  const res = await fetch(`${ex.baseUrl}${path}`, {
    method: 'DELETE',
    headers: dana.rest.authHeaders('DELETE', path),
  });
  assert.equal(res.status, 200);
  await closedAsRevoked(signed);
  await closedAsRevoked(viaToken);
  await stillOpen(bystander);
  bystander.ws.close();
});

test('revoking a bearer token closes the sockets opened with it, not the key’s others', async () => {
  const finn = await ex.addUser('finn', 'trader', 10_000_000);
  const { socket, token } = await tokenSocket(finn);
  const signed = await signedSocket(finn);
  const res = await fetch(`${ex.baseUrl}/api/v1/auth/token`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  await closedAsRevoked(socket);
  await stillOpen(signed);
  signed.ws.close();
});

test('disabling a user or changing the role closes every socket of the user', async () => {
  const gail = await ex.addUser('gail', 'trader', 10_000_000);
  const first = await signedSocket(gail);
  await ex.admin.rest.request('PATCH', `/api/v1/admin/users/${gail.userId}`, {
    role: 'viewer',
  });
  await closedAsRevoked(first);

  const second = await signedSocket(gail);
  await ex.admin.rest.request('PATCH', `/api/v1/admin/users/${gail.userId}`, { disabled: true });
  await closedAsRevoked(second);
  const metrics = await (await fetch(`${ex.baseUrl}/metrics`)).text();
  assert.match(metrics, /bourse_ws_revoked_closes_total [1-9]/);
});
