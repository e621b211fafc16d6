// The demo an empty data directory gets on `npm start`: USD, an event with several binary markets on a
// cent grid with Kalshi-style fees, one spot instrument, an admin with a generated password, market
// makers and noise traders funded and given fresh API keys (private keys stay in memory only).

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { BotCredentials } from '@bourse/bots';
import { createUserWithAccount, type GatewayServices } from '@bourse/gateway';
import type { InstrumentSpec } from '@bourse/engine';
import { CENTS_BINARY_GRID } from '@bourse/engine';

export const USD = 1;
export const ACME = 2;
const MICROS = 1_000_000;

const NO_LIMITS = {
  maxOrderQtyLots: 0,
  maxOrderNotional: 0,
  maxPositionLots: 0,
  priceBandTicks: 0,
};
const KALSHI_FEES = {
  kind: 'kalshi',
  makerRatePpm: 0,
  takerRatePpm: 70_000,
  roundingUnit: 10_000,
} as const;

function binary(instrumentId: number, symbol: string, title: string): InstrumentSpec {
  return {
    kind: 'binary',
    instrumentId,
    symbol,
    seriesTicker: 'HIGHNY',
    eventTicker: 'HIGHNY-DEMO',
    title,
    settlementAssetId: USD,
    ...CENTS_BINARY_GRID,
    fees: KALSHI_FEES,
    limits: NO_LIMITS,
  };
}

export const DEMO_SPECS: readonly InstrumentSpec[] = [
  binary(1, 'HIGHNY-DEMO-B55', 'NYC high temperature tomorrow: 55°F or below'),
  binary(2, 'HIGHNY-DEMO-B58', 'NYC high temperature tomorrow: 56–58°F'),
  binary(3, 'HIGHNY-DEMO-B61', 'NYC high temperature tomorrow: 59–61°F'),
  binary(4, 'HIGHNY-DEMO-T61', 'NYC high temperature tomorrow: above 61°F'),
  {
    kind: 'spot',
    instrumentId: 5,
    symbol: 'ACME-USD',
    baseAssetId: ACME,
    quoteAssetId: USD,
    // One lot = one share = 100 base units; one tick = one cent per share = 10,000 micros per lot.
    baseUnitsPerLot: 100,
    tickSize: 1,
    minPriceTicks: 1,
    maxPriceTicks: 1_000_000,
    lotSize: 1,
    moneyPerTickLot: 10_000,
    fees: { kind: 'bps', makerBps: 0, takerBps: 5 },
    limits: NO_LIMITS,
  },
];

/** Where the bots' fair values start (YES prices that roughly sum to 100¢; ACME at $150). */
export const DEMO_START_TICKS: Readonly<Record<string, number>> = {
  'HIGHNY-DEMO-B55': 1_500,
  'HIGHNY-DEMO-B58': 3_500,
  'HIGHNY-DEMO-B61': 3_000,
  'HIGHNY-DEMO-T61': 2_000,
  'ACME-USD': 15_000,
};

const BOTS: readonly { name: string; kind: BotCredentials['kind'] }[] = [
  { name: 'mm-alpha', kind: 'market-maker' },
  { name: 'mm-beta', kind: 'market-maker' },
  { name: 'noise-1', kind: 'noise-trader' },
  { name: 'noise-2', kind: 'noise-trader' },
  { name: 'noise-3', kind: 'noise-trader' },
];

/** True when the exchange has never been set up (no assets yet). */
export function isEmptyExchange(s: GatewayServices): boolean {
  return s.assets().length === 0;
}

/** Creates the demo world; returns the admin password (shown once). */
export async function seedDemo(s: GatewayServices): Promise<{ adminPassword: string }> {
  const adminPassword = randomBytes(9).toString('base64url');
  await createUserWithAccount(s, { username: 'admin', role: 'admin', password: adminPassword });
  for (const [assetId, code, scale] of [
    [USD, 'USD', MICROS],
    [ACME, 'ACME', 100],
  ] as const) {
    await s.submit({ type: 'createAsset', assetId, code, scale });
    s.rememberAsset({ assetId, code, scale });
  }
  for (const spec of DEMO_SPECS) {
    await s.submit({ type: 'createInstrument', spec });
    await s.submit({ type: 'setMarketStatus', instrumentId: spec.instrumentId, status: 'open' });
  }
  for (const bot of BOTS) {
    const user = await createUserWithAccount(s, {
      username: bot.name,
      role: bot.kind === 'market-maker' ? 'market-maker' : 'trader',
    });
    const usd = (bot.kind === 'market-maker' ? 1_000_000 : 50_000) * MICROS;
    await s.submit({ type: 'deposit', accountId: user.accountId, assetId: USD, amount: usd });
    // Shares so the spot market makers and traders can sell: 100 base units per share.
    const shares = bot.kind === 'market-maker' ? 20_000 : 500;
    await s.submit({
      type: 'deposit',
      accountId: user.accountId,
      assetId: ACME,
      amount: shares * 100,
    });
  }
  return { adminPassword };
}

/**
 * Gives each demo bot a fresh RSA key for this run and revokes its earlier ones, so no private key is
 * ever written to disk.
 */
export async function botCredentials(s: GatewayServices): Promise<BotCredentials[]> {
  const out: BotCredentials[] = [];
  for (const bot of BOTS) {
    const user = await s.auth.userByName(bot.name);
    if (user === undefined) continue;
    for (const k of await s.auth.apiKeys(user.userId)) {
      if (k.revokedAt === null && k.label === 'demo-bot') {
        await s.auth.revokeApiKey(user.userId, k.keyId, s.clock());
        s.authenticator.forgetKey(k.keyId);
      }
    }
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = await s.auth.addApiKey({
      userId: user.userId,
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      scopes: ['read', 'trade'],
      label: 'demo-bot',
      now: s.clock(),
    });
    out.push({
      kind: bot.kind,
      keyId: key.keyId,
      privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
  }
  return out;
}
