// Setting up a cluster started by `bourse cluster up` for the fault test and the cluster bench (and the
// gateways' test's cluster): the first admin (made in the shared auth store, as an operator would), a market, funded traders with API
// keys, and finding which process leads (the engine nodes' election, etcd's own Raft group).

import { execFile } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { RestClient } from '@bourse/client';
import { AuthStore } from '@bourse/gateway';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ClusterState } from '../../src/cluster/cluster-state.ts';
import { settled } from './cluster-checks.ts';
import { CENTS_BINARY_GRID } from '@bourse/engine';

const run = promisify(execFile);

export interface Trader {
  readonly accountId: number;
  readonly rest: RestClient;
  readonly keyId: string;
  readonly privateKeyPem: string;
}

/** The first admin, made in the cluster's shared auth store as an operator would: its API key. */
export async function firstAdmin(pgUrl: string): Promise<{ keyId: string; privateKey: KeyObject }> {
  const store = await AuthStore.openPostgres(pgUrl);
  try {
    const user = await store.createUser({ username: 'admin', role: 'admin', now: Date.now() });
    const pair = generateKeyPairSync('ed25519');
    const key = await store.addApiKey({
      userId: user.userId,
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      scopes: ['read', 'trade', 'admin'],
      label: 'cluster-test',
      now: Date.now(),
    });
    return { keyId: key.keyId, privateKey: pair.privateKey };
  } finally {
    await store.close();
  }
}

export async function bootstrapAdmin(state: ClusterState): Promise<RestClient> {
  return new RestClient({ baseUrl: state.url, credentials: await firstAdmin(state.pgUrl) });
}

export async function trader(
  state: ClusterState,
  admin: RestClient,
  username: string,
  depositMicros = 10_000_000_000,
): Promise<Trader> {
  const user = (await admin.request('POST', '/api/v1/admin/users', {
    username,
    role: 'trader',
    password: 'correct horse battery',
  })) as {
    userId: number;
    accountId: number;
  };
  await admin.request('POST', '/api/v1/admin/deposits', {
    userId: user.userId,
    asset: 'USD',
    amount: depositMicros,
  });
  const pair = generateKeyPairSync('ed25519');
  const key = (await admin.request('POST', `/api/v1/admin/users/${user.userId}/api-keys`, {
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  })) as { keyId: string };
  const rest = new RestClient({
    baseUrl: state.url,
    credentials: { keyId: key.keyId, privateKey: pair.privateKey },
  });
  const privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { accountId: user.accountId, rest, keyId: key.keyId, privateKeyPem };
}

export async function leaderNode(nats: NatsConnection): Promise<string> {
  const replies = await settled(nats, 3);
  return replies.find((r) => r.role === 'leader')!.node;
}

export async function standbyNode(nats: NatsConnection): Promise<string> {
  const replies = await settled(nats, 3);
  return replies.find((r) => r.role === 'standby')!.node;
}

/** The member that leads etcd's own Raft group, by `etcdctl endpoint status`. */
export async function etcdLeader(state: ClusterState): Promise<string> {
  const { stdout } = await run('etcdctl', [
    '--endpoints',
    state.etcd.join(','),
    'endpoint',
    'status',
    '-w',
    'json',
  ]);
  const rows = JSON.parse(stdout) as {
    Endpoint: string;
    Status: { header: { member_id: number }; leader: number };
  }[];
  const leader = rows.find((r) => r.Status.header.member_id === r.Status.leader)!;
  return state.processes.find((p) => p.kind === 'etcd' && p.url === leader.Endpoint)!.name;
}

export async function waitGone(pid: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`pid ${pid} did not exit`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function marketSpec(symbol: string) {
  return {
    kind: 'binary',
    symbol,
    seriesTicker: 'CLUSTER',
    eventTicker: symbol.replace(/-YES$/, ''),
    title: 'Cluster test market',
    settlementAssetId: 1,
    ...CENTS_BINARY_GRID,
    fees: { kind: 'kalshi', makerRatePpm: 0, takerRatePpm: 70_000, roundingUnit: 10_000 },
  };
}
