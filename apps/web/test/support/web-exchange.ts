// A real exchange for the browser tests: the exchange core on a temporary data directory, the auth
// store, and the gateway serving the freshly built UI on 127.0.0.1 port 0 (stopped and restarted on
// the same port and data for outage tests), with users' alerts as `bourse serve` has them. Users log
// in with passwords like people do; USD, two cent-grid binary markets with Kalshi-style fees and a
// spot pair are created through the same engine commands an admin's requests produce.

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstrumentSpec } from '@bourse/engine';
import {
  AuthStore,
  createGateway,
  createUserWithAccount,
  type Gateway,
  type GatewayOptions,
} from '@bourse/gateway';
import { AlertService } from '@bourse/alerts';
import { type ExchangeCore, openExchangeCore } from '@bourse/core';
import { DIST_DIR, ensureBuilt } from '../../scripts/ensure-built.ts';
import { CENTS_BINARY_GRID } from '@bourse/engine';

export const USD = 1;
export const MARKET = 'RAIN-NYC-YES';
export const MARKET_2 = 'SNOW-NYC-YES';
export const PASSWORD = 'correct-horse-battery';

export interface WebExchange {
  readonly baseUrl: string;
  /** The running gateway (a new one after `restart`). */
  readonly gateway: Gateway;
  /** Account id by username. */
  readonly accounts: Readonly<Record<string, number>>;
  /** Stops the server as an outage would: the gateway, its sockets and the core; data is kept. */
  stop(): Promise<void>;
  /** Starts the stopped exchange again from its data directory, on the same address. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

interface Running {
  readonly gateway: Gateway;
  readonly core: ExchangeCore;
  readonly authStore: AuthStore;
  readonly alerts: AlertService;
}

/** The core, auth store and gateway on `dataDir`, listening on `port` (0: any free port). */
async function run(
  dataDir: string,
  port: number,
  options: Partial<Omit<GatewayOptions, 'core' | 'authStore'>>,
  clock: (() => number) | undefined,
): Promise<Running> {
  const core = await openExchangeCore({ dataDir, ...(clock === undefined ? {} : { clock }) });
  const authStore = new AuthStore(join(dataDir, 'auth.db'));
  const silent = { info() {}, warn() {}, error() {} };
  const alerts = await AlertService.open({ dataDir, core, logger: silent });
  const gateway = createGateway({
    core,
    authStore,
    alerts,
    webDir: DIST_DIR,
    checkResponses: true,
    ...options,
  });
  await gateway.ready;
  await new Promise<void>((resolve) => gateway.server.listen(port, '127.0.0.1', resolve));
  return { gateway, core, authStore, alerts };
}

async function halt(r: Running): Promise<void> {
  await r.gateway.close();
  await r.alerts.close();
  await r.core.close();
  await r.authStore.close();
}

/** A cent-grid event contract paying $1 with Kalshi-style fees, in the WEATHER-NYC event. */
export function binary(instrumentId: number, symbol: string, title: string): InstrumentSpec {
  return {
    kind: 'binary',
    instrumentId,
    symbol,
    seriesTicker: 'WEATHER',
    eventTicker: 'WEATHER-NYC',
    title,
    settlementAssetId: USD,
    ...CENTS_BINARY_GRID,
    fees: { kind: 'kalshi', makerRatePpm: 0, takerRatePpm: 70_000, roundingUnit: 10_000 },
    limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
  };
}

export async function startWebExchange(
  options: Partial<Omit<GatewayOptions, 'core' | 'authStore'>> = {},
  /** The exchange core's clock (command timestamps), e.g. to trade in past minutes for candles. */
  clock?: () => number,
): Promise<WebExchange> {
  ensureBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'bourse-web-'));
  let running: Running | undefined = await run(dataDir, 0, options, clock);
  const port = (running.gateway.server.address() as AddressInfo).port;
  const s = running.gateway.services;
  const accounts: Record<string, number> = {};
  for (const [username, role] of [
    ['admin', 'admin'],
    ['alice', 'trader'],
    ['bob', 'trader'],
  ] as const) {
    const user = await createUserWithAccount(s, { username, role, password: PASSWORD });
    accounts[username] = user.accountId;
  }
  await s.submit({ type: 'createAsset', assetId: USD, code: 'USD', scale: 1_000_000 });
  s.rememberAsset({ assetId: USD, code: 'USD', scale: 1_000_000 });
  for (const spec of [
    binary(1, MARKET, 'Will it rain in New York City tomorrow?'),
    binary(2, MARKET_2, 'Will it snow in New York City this week?'),
  ]) {
    await s.submit({ type: 'createInstrument', spec });
    await s.submit({ type: 'setMarketStatus', instrumentId: spec.instrumentId, status: 'open' });
  }
  for (const name of ['alice', 'bob']) {
    await s.submit({
      type: 'deposit',
      accountId: accounts[name]!,
      assetId: USD,
      amount: 1_000_000_000,
    });
  }
  const stop = async () => {
    const r = running;
    running = undefined;
    if (r !== undefined) await halt(r);
  };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    get gateway() {
      if (running === undefined) throw new Error('the exchange is stopped');
      return running.gateway;
    },
    accounts,
    stop,
    async restart() {
      if (running === undefined) running = await run(dataDir, port, options, clock);
    },
    async close() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A good-till-cancelled limit order of `username`'s, through the engine command an API request makes. */
export function placeLimit(
  ex: WebExchange,
  username: string,
  instrumentId: number,
  side: 'buy' | 'sell',
  priceTicks: number,
  qtyLots: number,
): Promise<unknown> {
  return ex.gateway.services.submit({
    type: 'placeOrder',
    accountId: ex.accounts[username]!,
    instrumentId,
    side,
    orderType: 'limit',
    priceTicks,
    qtyLots,
    tif: 'gtc',
  } as Parameters<WebExchange['gateway']['services']['submit']>[0]);
}

/** Bob rests a sell of `qtyLots` at `priceTicks` and Alice buys it: one trade. */
export async function bobSellsAliceBuys(
  ex: WebExchange,
  instrumentId: number,
  priceTicks: number,
  qtyLots = 100,
): Promise<void> {
  await placeLimit(ex, 'bob', instrumentId, 'sell', priceTicks, qtyLots);
  await placeLimit(ex, 'alice', instrumentId, 'buy', priceTicks, qtyLots);
}
