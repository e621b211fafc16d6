// What a load test runs against: by default a fresh server in a CHILD PROCESS on loopback with a temp
// data directory, provisioned offline first (USD, one cent-grid market, two funded users with Ed25519
// keys, whose signatures are cheap for the sender); or an existing server given by URL and key.

import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUserWithAccount } from '@bourse/gateway';
import { openExchange } from '../open-exchange.ts';
import { SERVE_NODE_FLAGS } from '../serve-node-flags.ts';
import { CENTS_BINARY_GRID } from '@bourse/engine';
import { DEFAULT_SNAPSHOT_EVERY } from '@bourse/core';

export const LOAD_MARKET = 'LOAD-TEST-YES';

export interface LoadUser {
  readonly keyId: string;
  readonly privateKey: KeyObject;
}

export interface LoadTarget {
  readonly url: string;
  readonly market: string;
  readonly users: readonly LoadUser[];
  /** The server's process id, when this run started it (the soak bench reads its memory). */
  readonly pid?: number;
  /** The server's data directory, when this run started it (the disk its journal writes to). */
  readonly dataDir?: string;
  /** Commands between the server's engine snapshots, when this run started it. */
  readonly snapshotEvery?: number;
  stop(): Promise<void>;
}

async function provision(dataDir: string): Promise<LoadUser[]> {
  // Crossing pairs can leave one side resting when the server sheds load: allow deep books.
  const ex = await openExchange(dataDir, { engineConfig: { maxOpenOrdersPerAccount: 10_000_000 } });
  try {
    const s = ex.gateway.services;
    await s.submit({ type: 'createAsset', assetId: 1, code: 'USD', scale: 1_000_000 });
    s.rememberAsset({ assetId: 1, code: 'USD', scale: 1_000_000 });
    await s.submit({
      type: 'createInstrument',
      spec: {
        kind: 'binary',
        instrumentId: 1,
        symbol: LOAD_MARKET,
        seriesTicker: 'LOAD',
        eventTicker: 'LOAD-TEST',
        title: 'Load test',
        settlementAssetId: 1,
        ...CENTS_BINARY_GRID,
        fees: { kind: 'none' },
        limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
      },
    });
    await s.submit({ type: 'setMarketStatus', instrumentId: 1, status: 'open' });
    const users: LoadUser[] = [];
    for (const name of ['load-a', 'load-b']) {
      const u = await createUserWithAccount(s, { username: name, role: 'market-maker' });
      await s.submit({
        type: 'deposit',
        accountId: u.accountId,
        assetId: 1,
        amount: 4_000_000_000_000_000,
      });
      const pair = generateKeyPairSync('ed25519');
      const key = await s.auth.addApiKey({
        userId: u.userId,
        publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        scopes: ['read', 'trade'],
        label: 'loadtest',
        now: Date.now(),
      });
      users.push({ keyId: key.keyId, privateKey: pair.privateKey });
    }
    return users;
  } finally {
    await ex.close();
  }
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Bourse is running at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) =>
      reject(new Error(`server exited with ${code}: ${out.slice(-500)}`)),
    );
  });
}

export async function startLocalTarget(): Promise<LoadTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bourse-load-'));
  const users = await provision(dataDir);
  const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.ts');
  const child = spawn(
    process.execPath,
    [
      // As `npm start` runs it.
      ...SERVE_NODE_FLAGS,
      main,
      'serve',
      '--no-demo',
      '--no-rate-limit',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await waitForUrl(child);
  return {
    url,
    market: LOAD_MARKET,
    users,
    dataDir,
    snapshotEvery: DEFAULT_SNAPSHOT_EVERY,
    ...(child.pid === undefined ? {} : { pid: child.pid }),
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
