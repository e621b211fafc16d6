// A real exchange with the Kalshi-compatible API mounted, built with the gateway's own end-to-end test
// helper (core on a temporary directory, auth store, gateway on 127.0.0.1 port 0), plus the official
// `kalshi-typescript` SDK set up per trader. Each trader's API objects get their own axios instance:
// the SDK registers its signing interceptor on the axios it is given (the process-global one by
// default), and the first registered key would otherwise sign every request of every trader.

import axios, { type AxiosError } from 'axios';
import {
  AccountApi,
  ApiKeysApi,
  Configuration,
  EventsApi,
  ExchangeApi,
  MarketApi,
  OrderGroupsApi,
  OrdersApi,
  PortfolioApi,
} from 'kalshi-typescript';
import {
  startTestExchange,
  type TestExchange,
  type TestUser,
} from '../../../gateway/test/support/test-exchange.ts';
import { type KalshiRateOptions, type KalshiWsOptions, kalshiExtension } from '../../src/index.ts';

export interface Trader {
  readonly user: TestUser;
  readonly creds: { keyId: string; privateKeyPem: string };
  readonly orders: OrdersApi;
  readonly orderGroups: OrderGroupsApi;
  readonly market: MarketApi;
  readonly portfolio: PortfolioApi;
  readonly exchange: ExchangeApi;
  readonly events: EventsApi;
  readonly apiKeys: ApiKeysApi;
  readonly account: AccountApi;
}

/** A one-contract GTC bid at $0.40 on `market`, with `over` applied (the tests' default order). */
export function kalshiOrder(market: string, over: Record<string, unknown>) {
  return {
    ticker: market,
    side: 'bid' as const,
    count: '1',
    price: '0.40',
    time_in_force: 'good_till_canceled' as const,
    self_trade_prevention_type: 'taker_at_cross' as const,
    ...over,
  };
}

export async function startKalshiExchange(
  options: { clock?: () => number; ws?: Partial<KalshiWsOptions>; rates?: KalshiRateOptions } = {},
): Promise<TestExchange> {
  return startTestExchange({
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    extensions: [
      kalshiExtension({
        ws: { heartbeatMs: 60_000, ...options.ws },
        // Prime unless a test sizes the buckets itself: the other tests must not meet Kalshi's
        // Basic budget just by running fast.
        rates: options.rates ?? { defaultTier: 'prime' },
      }),
    ],
  });
}

/**
 * A fresh axios instance per API object. The SDK is typed against axios' CommonJS declarations and
 * this ESM test sees the ESM ones; the runtime object is the same, so only the type is restated.
 */
const ownAxios = () =>
  axios.create() as unknown as NonNullable<ConstructorParameters<typeof OrdersApi>[2]>;

export async function addTrader(ex: TestExchange, name: string, usd: number): Promise<Trader> {
  const user = await ex.addUser(name, 'trader', usd * 1_000_000);
  const cfg = new Configuration({
    basePath: `${ex.baseUrl}/trade-api/v2`,
    apiKey: user.keyId,
    privateKeyPem: user.privateKeyPem,
  });
  return {
    user,
    creds: { keyId: user.keyId, privateKeyPem: user.privateKeyPem },
    orders: new OrdersApi(cfg, undefined, ownAxios()),
    orderGroups: new OrderGroupsApi(cfg, undefined, ownAxios()),
    market: new MarketApi(cfg, undefined, ownAxios()),
    portfolio: new PortfolioApi(cfg, undefined, ownAxios()),
    exchange: new ExchangeApi(cfg, undefined, ownAxios()),
    events: new EventsApi(cfg, undefined, ownAxios()),
    apiKeys: new ApiKeysApi(cfg, undefined, ownAxios()),
    account: new AccountApi(cfg, undefined, ownAxios()),
  };
}

/** The HTTP status and body of a failed SDK call (the SDK throws axios errors on non-2xx). */
export async function sdkFailure(
  call: Promise<unknown>,
): Promise<{ status: number; body: unknown }> {
  try {
    await call;
  } catch (error) {
    const e = error as AxiosError;
    if (e.response !== undefined) return { status: e.response.status, body: e.response.data };
    throw error;
  }
  throw new Error('the call succeeded');
}

/** Kalshi's error body: `{ error: { code, message } }`. */
export function errorCode(body: unknown): string | undefined {
  const e = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return typeof e?.code === 'string' && typeof e.message === 'string' ? e.code : undefined;
}
