// Two `bourse cluster gateway` processes and the projector over a real nats-server and PostgreSQL, in
// front of a one-node leader on the real embedded core: an API key, a web session and a revocation made
// through one gateway hold on the other, orders entered on one are seen on the other (engine and read
// models), bad input is refused as on one server, and a killed gateway leaves the other serving.

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type ApiKeyCredentials as Credentials, RestClient } from '@bourse/client';
import { OneNodeCluster } from '../../../packages/remote-core/test/support/one-node-cluster.ts';
import type { SingleNodeLeader } from '../../../packages/remote-core/test/support/single-node-leader.ts';
import { readClusterStatus } from '../src/cluster/cluster-status.ts';
import { type ReadyChild, spawnBourse } from '../src/cluster/spawn-ready.ts';
import { firstAdmin, marketSpec } from './support/cluster-setup.ts';

const MARKET = 'CLU-26-YES';

describe('cluster gateways', { timeout: 240_000 }, () => {
  let cluster: OneNodeCluster;
  let leader: SingleNodeLeader;
  const children: ReadyChild[] = [];
  let urlA = '';
  let urlB = '';
  let admin: Credentials;

  before(async () => {
    cluster = await OneNodeCluster.start();
    leader = cluster.leader;
    const pgUrl = await cluster.pg.createDatabaseUrl();
    admin = await firstAdmin(pgUrl);
    await leader.core.submit({ type: 'createAccount', accountId: 1, userId: 1, subaccount: 0 });
    const common = ['--nats', cluster.nats.url, '--pg', pgUrl, '--log-level', 'warn'];
    children.push(await spawnBourse(['cluster', 'projector', ...common]));
    for (let i = 0; i < 2; i++) {
      children.push(await spawnBourse(['cluster', 'gateway', ...common, '--port', '0']));
    }
    urlA = String(children[1]!.ready.url);
    urlB = String(children[2]!.ready.url);
  });

  after(async () => {
    for (const c of children) c.child.kill('SIGKILL');
    await cluster?.stop();
  });

  const rest = (url: string, creds: Credentials) =>
    new RestClient({ baseUrl: url, credentials: creds });

  it('serves one exchange from both gateways, with shared credentials', async () => {
    const onA = rest(urlA, admin);
    const onB = rest(urlB, admin);
    await onA.request('POST', '/api/v1/admin/assets', {
      code: 'USD',
      scale: 1_000_000,
      assetId: 1,
    });
    await onB.request('POST', '/api/v1/admin/markets', marketSpec(MARKET));
    await onA.request('POST', `/api/v1/admin/markets/${MARKET}/status`, { status: 'open' });
    const creds = await traderWithKey(onA, onB);
    // Ordered through B, seen on A by the engine and, once projected, by the read models.
    const ack = await rest(urlB, creds).placeOrder({
      market: MARKET,
      side: 'buy',
      type: 'limit',
      priceTicks: 4_000,
      qtyLots: 200,
      clientOrderId: 'c-1',
    } as never);
    const open = await rest(urlA, creds).openOrders();
    assert.equal(open.items.length, 1);
    const history = await rest(urlA, creds).orders({ clientOrderId: 'c-1' });
    assert.equal(history.items.length, 1);
    assert.equal(history.items[0]!.orderId, (ack as { orderId: number }).orderId);
    // A web session opened on A is valid on B.
    const login = await fetch(`${urlA}/api/v1/session/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'tia', password: 'correct horse battery' }),
    });
    assert.equal(login.status, 200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const account = await fetch(`${urlB}/api/v1/account`, { headers: { cookie } });
    assert.equal(account.status, 200);
    // Bad input through the cluster: the same refusal as on one server, and nothing changes.
    const bad = await fetch(`${urlA}/api/v1/orders`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{"market":',
    });
    assert.equal(bad.status, 403); // no CSRF token: refused before the body is read
    await assert.rejects(
      rest(urlA, creds).placeOrder({
        market: MARKET,
        side: 'buy',
        type: 'limit',
        priceTicks: 4_050,
        qtyLots: 200,
      } as never),
      /INVALID_PRICE|TICK|PRICE/,
    );
    assert.equal((await rest(urlB, creds).openOrders()).items.length, 1);
    // The key revoked through B (by its owner's web session) stops working on A.
    const revoke = await fetch(`${urlB}/api/v1/account/api-keys/${creds.keyId}`, {
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    assert.equal(revoke.status, 200);
    await eventually(async () => {
      await assert.rejects(rest(urlA, creds).openOrders(), /UNKNOWN_API_KEY/);
    });
  });

  it('reads the status of a cluster where nobody answers as empty, not as an error', async () => {
    const status = await readClusterStatus(
      await cluster.connect(),
      'nobody-here',
      'http://127.0.0.1:1',
      300,
    );
    assert.deepEqual(status, {
      url: 'http://127.0.0.1:1',
      term: 0,
      leader: null,
      nodes: [],
      gateways: [],
    });
  });

  it("shows the cluster's figures on /metrics", async () => {
    await eventually(async () => {
      const text = await (await fetch(`${urlB}/metrics`)).text();
      assert.match(text, /^bourse_cluster_nodes_answering 1$/m);
      assert.match(text, /^bourse_gateway_events_seq [1-9]\d*$/m);
      assert.match(text, /^bourse_gateway_leader_retries_total 0$/m);
      assert.match(text, /^bourse_gateway_retry_wait_seconds_count\{wait="timeout"\} 0$/m);
    });
  });

  it('a killed gateway leaves the other serving', async () => {
    children[1]!.child.kill('SIGKILL');
    const markets = await rest(urlB, admin).markets();
    assert.ok(JSON.stringify(markets.items).includes(MARKET));
  });
});

/** A trader made through one gateway, funded and given an API key through the other. */
async function traderWithKey(onA: RestClient, onB: RestClient) {
  const trader = (await onB.request('POST', '/api/v1/admin/users', {
    username: 'tia',
    role: 'trader',
    password: 'correct horse battery',
  })) as { userId: number; accountId: number };
  await onA.request('POST', '/api/v1/admin/deposits', {
    userId: trader.userId,
    asset: 'USD',
    amount: 1_000_000_000,
  });
  const pair = generateKeyPairSync('ed25519');
  const key = (await onA.request('POST', `/api/v1/admin/users/${trader.userId}/api-keys`, {
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  })) as { keyId: string };
  const creds = {
    keyId: key.keyId,
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  return creds;
}

/** Retries an assertion that depends on a message between processes (bounded). */
async function eventually(check: () => Promise<void>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
