// A real exchange for tests: the exchange core on a temporary data directory, the auth store, and the
// gateway listening on 127.0.0.1 port 0; users with RSA API keys generated here; USD and a cent-grid
// binary market opened and funded. Everything is torn down by `close()`.

import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RestClient } from '@bourse/client';
import { openExchangeCore } from '@bourse/core';
import {
  AuthStore,
  createGateway,
  createUserWithAccount,
  type Gateway,
  type GatewayOptions,
  type Role,
  type Sandbox,
} from '../../src/index.ts';
import { CENTS_BINARY_GRID } from '@bourse/engine';

export interface TestUser {
  readonly userId: number;
  readonly accountId: number;
  readonly keyId: string;
  readonly privateKeyPem: string;
  readonly rest: RestClient;
}

export interface TestExchange {
  readonly gateway: Gateway;
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly admin: TestUser;
  readonly market: string;
  addUser(name: string, role: Role, depositMicros?: number): Promise<TestUser>;
  close(): Promise<void>;
}

export const MARKET = 'TEST-26-YES';

/** Options of the exchange core under the gateway. */
export interface TestCoreOptions {
  /** The sequencer's clock, which stamps commands (and so trades and candles); default Date.now. */
  readonly clock?: () => number;
}

/** The core; a sandbox's simulated clock stamps its commands, as `serve --sandbox` wires it. */
async function openCore(dataDir: string, sandbox: Sandbox | undefined, options: TestCoreOptions) {
  const clock = sandbox === undefined ? {} : { clock: () => sandbox.clock.now() };
  const core = await openExchangeCore({ dataDir, ...clock, ...options });
  sandbox?.attach({ nextDueTs: () => core.nextDueTs(), tick: () => core.submit({ type: 'tick' }) });
  return core;
}

export async function startTestExchange(
  options: Partial<Omit<GatewayOptions, 'core' | 'authStore'>> = {},
  coreOptions: TestCoreOptions = {},
): Promise<TestExchange> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bourse-gw-'));
  const core = await openCore(dataDir, options.sandbox, coreOptions);
  const authStore = new AuthStore(join(dataDir, 'auth.db'));
  const gateway = createGateway({
    core,
    authStore,
    replayLogDir: join(dataDir, 'replay'),
    checkResponses: true,
    ...options,
  });
  await gateway.ready;
  await new Promise<void>((resolve) => gateway.server.listen(0, '127.0.0.1', resolve));
  const port = (gateway.server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const s = gateway.services;

  const addUser = async (name: string, role: Role, depositMicros = 0): Promise<TestUser> => {
    const user = await createUserWithAccount(s, { username: name, role });
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = await authStore.addApiKey({
      userId: user.userId,
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      // The viewer's key is read-only; the others may also manage the user's keys and sessions.
      scopes:
        role === 'admin'
          ? ['read', 'trade', 'admin', 'credentials']
          : role === 'viewer'
            ? ['read']
            : ['read', 'trade', 'credentials'],
      label: 'test',
      now: Date.now(),
    });
    const privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    if (depositMicros > 0) {
      await s.submit({
        type: 'deposit',
        accountId: user.accountId,
        assetId: 1,
        amount: depositMicros,
      });
    }
    return {
      userId: user.userId,
      accountId: user.accountId,
      keyId: key.keyId,
      privateKeyPem,
      rest: new RestClient({
        baseUrl,
        credentials: { keyId: key.keyId, privateKey: privateKeyPem },
      }),
    };
  };

  const admin = await addUser('admin', 'admin');
  await admin.rest.request('POST', '/api/v1/admin/assets', {
    code: 'USD',
    scale: 1_000_000,
    assetId: 1,
  });
  await openBinaryMarket(admin, MARKET, 'Test market');

  return {
    gateway,
    baseUrl,
    dataDir,
    admin,
    market: MARKET,
    addUser,
    async close() {
      await gateway.close();
      await core.close();
      await authStore.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Lists and opens a cents binary market settled in asset 1 (the test exchange's USD). */
export async function openBinaryMarket(
  admin: TestUser,
  symbol: string,
  title: string,
): Promise<void> {
  await listBinaryMarket(admin, symbol, title);
  await admin.rest.request('POST', `/api/v1/admin/markets/${symbol}/status`, { status: 'open' });
}

/** Lists a cents binary market settled in asset 1; it stays `created` (not open). */
export async function listBinaryMarket(
  admin: TestUser,
  symbol: string,
  title: string,
): Promise<void> {
  await admin.rest.request('POST', '/api/v1/admin/markets', {
    kind: 'binary',
    symbol,
    seriesTicker: 'TEST',
    eventTicker: symbol.replace(/-YES$/, ''),
    title,
    settlementAssetId: 1,
    ...CENTS_BINARY_GRID,
    fees: { kind: 'kalshi', makerRatePpm: 0, takerRatePpm: 70_000, roundingUnit: 10_000 },
  });
}
