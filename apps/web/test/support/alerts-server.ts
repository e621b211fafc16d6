// `bourse serve` as an operator runs it, for the alerts acceptance tests: the admin made with the CLI,
// the rest (users, USD, two event markets, deposits) through the admin API; the server as a child
// process on a fixed loopback port (so it can be stopped, or killed, and started again at the same
// address); and a small session client that logs in like the web UI does (cookie and CSRF header).

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CENTS_BINARY_GRID } from '@bourse/engine';

const MAIN = fileURLToPath(new URL('../../../bourse/src/main.ts', import.meta.url));
const run = promisify(execFile);
export const PASSWORD = 'correct-horse-battery';
export const RAIN = 'RAIN-NYC-YES';
export const SNOW = 'SNOW-NYC-YES';

function spec(symbol: string) {
  return {
    kind: 'binary',
    symbol,
    seriesTicker: 'WEATHER',
    eventTicker: 'WEATHER-NYC',
    title: symbol,
    settlementAssetId: 1,
    ...CENTS_BINARY_GRID,
    fees: { kind: 'none' },
    limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
  };
}

/** A data directory with the admin only (the one account no API call can make). */
export async function prepareDataDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-alerts-e2e-'));
  await run(
    process.execPath,
    [
      MAIN,
      'user',
      'create',
      '--username',
      'admin',
      '--role',
      'admin',
      '--password',
      PASSWORD,
      '--data-dir',
      dir,
    ],
    { timeout: 120_000 },
  );
  return dir;
}

/** Through the admin API, as an operator would: USD, alice and bob (10,000 each), two open markets. */
export async function setUpExchange(admin: Session): Promise<void> {
  await admin.call('POST', '/api/v1/admin/assets', { code: 'USD', scale: 1_000_000, assetId: 1 });
  for (const username of ['alice', 'bob']) {
    const user = await admin.call<{ userId: number }>('POST', '/api/v1/admin/users', {
      username,
      role: 'trader',
      password: PASSWORD,
    });
    await admin.call('POST', '/api/v1/admin/deposits', {
      userId: user.userId,
      asset: 'USD',
      amount: 10_000_000_000,
    });
  }
  for (const symbol of [RAIN, SNOW]) {
    await admin.call('POST', '/api/v1/admin/markets', spec(symbol));
    await admin.call('POST', `/api/v1/admin/markets/${symbol}/status`, { status: 'open' });
  }
}

export interface ServeProcess {
  readonly url: string;
  /** SIGTERM, as a supervisor stops it; resolves once the process has exited. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, nothing flushed or closed. */
  crash(): Promise<void>;
}

export async function serve(
  dataDir: string,
  port: number,
  extra: readonly string[],
): Promise<ServeProcess> {
  const args = [
    MAIN,
    'serve',
    '--data-dir',
    dataDir,
    '--port',
    String(port),
    '--no-demo',
    '--log-level',
    'warn',
    ...extra,
  ];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 120_000);
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Bourse is running at')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}:\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    async crash() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A logged-in web session, over plain fetch. */
export class Session {
  #cookie = '';
  #csrf = '';
  readonly #base: () => string;

  constructor(base: () => string) {
    this.#base = base;
  }

  async login(username: string): Promise<this> {
    const res = await fetch(`${this.#base()}/api/v1/session/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
    this.#cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    this.#csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
    return this;
  }

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const res = await fetch(`${this.#base()}${path}`, {
      method,
      headers: {
        cookie: this.#cookie,
        'x-csrf-token': this.#csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text === '' ? {} : JSON.parse(text)) as T;
  }
}
