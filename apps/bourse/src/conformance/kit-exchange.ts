// The conformance kit's hands on the sandbox, through its public and admin API only (so it works
// against any Bourse sandbox): a fresh market and funded account per scenario, faults added and
// cleared, the injections recorded against an account, and the exchange's own book to judge by.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { type BookDepth, RestClient } from '@bourse/client';
import type { FaultBody, FaultView, SandboxEvent } from '@bourse/protocol';
import { CENTS_BINARY_GRID } from '@bourse/engine';

export interface KitAccount {
  readonly userId: number;
  readonly accountId: number;
  readonly keyId: string;
  readonly privateKeyPem: string;
  /** Signs as the account (the kit reads its orders with it, never while a fault is in force). */
  readonly rest: RestClient;
}

/** Money each account gets: plenty for the scenarios' few orders. */
const DEPOSIT = 1_000_000_000;

export class KitExchange {
  readonly baseUrl: string;
  readonly #admin: RestClient;
  readonly #public: RestClient;
  readonly #asset: { readonly assetId: number; readonly code: string };
  readonly #runId = randomBytes(3).toString('hex').toUpperCase();
  #seq = 0;

  private constructor(
    baseUrl: string,
    admin: RestClient,
    asset: { readonly assetId: number; readonly code: string },
  ) {
    this.baseUrl = baseUrl;
    this.#admin = admin;
    this.#public = new RestClient({ baseUrl });
    this.#asset = asset;
  }

  /** Checks the target is a sandbox the key administers; picks the settlement asset. */
  static async open(
    baseUrl: string,
    adminKey: { keyId: string; privateKeyPem: string },
    asset?: string,
  ): Promise<KitExchange> {
    const admin = new RestClient({
      baseUrl,
      credentials: { keyId: adminKey.keyId, privateKey: adminKey.privateKeyPem },
    });
    await admin.request('GET', '/api/v1/sandbox/status');
    const assets = (await admin.assets()).items;
    const chosen = asset === undefined ? assets[0] : assets.find((a) => a.code === asset);
    if (chosen === undefined) {
      throw new Error(`the sandbox has no asset ${asset ?? '(none at all)'} to settle markets in`);
    }
    return new KitExchange(baseUrl, admin, chosen);
  }

  /** A new open cents binary market (1–99 ¢, lots of 100) for one scenario. */
  async newMarket(scenario: string): Promise<string> {
    const event = `CONF-${this.#runId}-${++this.#seq}`;
    const symbol = `${event}-YES`;
    await this.#admin.request('POST', '/api/v1/admin/markets', {
      kind: 'binary',
      symbol,
      seriesTicker: 'CONFORMANCE',
      eventTicker: event,
      title: `Conformance: ${scenario}`,
      settlementAssetId: this.#asset.assetId,
      ...CENTS_BINARY_GRID,
    });
    await this.#admin.request('POST', `/api/v1/admin/markets/${symbol}/status`, {
      status: 'open',
    });
    return symbol;
  }

  /** Closes a scenario's market when it is done (its resting orders are cancelled). */
  async closeMarket(symbol: string): Promise<void> {
    await this.#admin.request('POST', `/api/v1/admin/markets/${symbol}/status`, {
      status: 'closed',
    });
  }

  /** A new funded trader with an Ed25519 key the kit made. */
  async newAccount(name: string): Promise<KitAccount> {
    const username = `conf-${this.#runId.toLowerCase()}-${name}-${++this.#seq}`;
    const user = await this.#admin.request<{ userId: number; accountId: number }>(
      'POST',
      '/api/v1/admin/users',
      { username, role: 'trader', password: randomBytes(18).toString('base64url') },
    );
    const pair = generateKeyPairSync('ed25519');
    const key = await this.#admin.request<{ keyId: string }>(
      'POST',
      `/api/v1/admin/users/${user.userId}/api-keys`,
      {
        publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        scopes: ['read', 'trade'],
        label: 'conformance',
      },
    );
    await this.#admin.request('POST', '/api/v1/admin/deposits', {
      userId: user.userId,
      asset: this.#asset.code,
      amount: DEPOSIT,
    });
    const privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    return {
      userId: user.userId,
      accountId: user.accountId,
      keyId: key.keyId,
      privateKeyPem,
      // The kit's own reads and orders wait out the exchange's rate limits (they are not judged).
      rest: new RestClient({
        baseUrl: this.baseUrl,
        credentials: { keyId: key.keyId, privateKey: privateKeyPem },
        retry: { attempts: 5, backoffMs: 200 },
      }),
    };
  }

  addFault(body: FaultBody): Promise<FaultView> {
    return this.#admin.request('POST', '/api/v1/sandbox/faults', body);
  }

  /** Ends a fault (it may have ended by itself already). */
  async clearFault(faultId: number): Promise<void> {
    await this.#admin.request('DELETE', `/api/v1/sandbox/faults/${faultId}`).catch(() => undefined);
  }

  /** The last event id recorded so far (a scenario reads what came after it). */
  async lastEventId(): Promise<number> {
    return (await this.#admin.request<{ events: number }>('GET', '/api/v1/sandbox/status')).events;
  }

  /** The faults applied to the account's traffic after event `after` (not their add and clear). */
  async injections(accountId: number, after: number): Promise<SandboxEvent[]> {
    const page = await this.#admin.request<{ items: SandboxEvent[] }>(
      'GET',
      '/api/v1/sandbox/events',
      undefined,
      { account: accountId, kind: 'fault', after },
    );
    return page.items.filter(
      (e) => e.account === accountId && e.action !== 'add' && e.action !== 'clear',
    );
  }

  /** The exchange's book of the market: what a bot's view is judged against. */
  book(market: string): Promise<BookDepth> {
    return this.#public.book(market);
  }
}
