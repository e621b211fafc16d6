// Runs a set of bots against an exchange's public API until stopped: each bot loops on its own cycle
// with a pause, logs (never throws) what the exchange refused, and the market list is refreshed now and
// then so markets opened later are picked up.

import { setTimeout as delay } from 'node:timers/promises';
import { type Market, RestClient, type RetryPolicy } from '@bourse/client';
import { MarketMaker } from './market-maker.ts';
import { NoiseTrader } from './noise-trader.ts';
import { SeededRandom } from './seeded-random.ts';

export interface BotCredentials {
  readonly kind: 'market-maker' | 'noise-trader';
  readonly keyId: string;
  readonly privateKeyPem: string;
}

export interface RunBotsOptions {
  readonly baseUrl: string;
  readonly bots: readonly BotCredentials[];
  readonly seed?: number;
  /** Pause between cycles of one market maker, ms. */
  readonly quoteEveryMs?: number;
  /** Pause between orders of one noise trader, ms. */
  readonly tradeEveryMs?: number;
  readonly onError?: (error: unknown) => void;
  /** Where fair value starts per market symbol when the market has not traded yet. */
  readonly startTicks?: Readonly<Record<string, number>>;
}

/**
 * How the bots' client resends (docs/conformance.md): after a 429 only once its Retry-After has
 * passed, reads after a 5xx or no answer, orders only under their client order id.
 */
export const BOT_RETRY: RetryPolicy = { attempts: 4, backoffMs: 250, timeoutMs: 10_000 };

export interface RunningBots {
  stop(): Promise<void>;
}

/** Start price: the last trade, else the configured start, else the middle of the price range. */
function startTicksOf(m: Market, configured: Readonly<Record<string, number>>): number {
  if (m.lastPriceTicks !== null) return m.lastPriceTicks;
  return configured[m.market] ?? Math.floor((m.spec.minPriceTicks + m.spec.maxPriceTicks) / 2);
}

export function runBots(opts: RunBotsOptions): RunningBots {
  let stopped = false;
  const abort = new AbortController();
  const seed = opts.seed ?? 1;
  const onError = opts.onError ?? (() => {});
  let markets: Market[] = [];
  const loops: Promise<void>[] = [];
  const sleep = (ms: number) => delay(ms, undefined, { signal: abort.signal }).catch(() => {});

  const publicRest = new RestClient({ baseUrl: opts.baseUrl });
  const refresh = async () => {
    try {
      markets = (await publicRest.markets({ status: 'open' })).items;
    } catch (error) {
      onError(error);
    }
  };

  loops.push(
    (async () => {
      while (!stopped) {
        await refresh();
        await sleep(5_000);
      }
    })(),
  );

  opts.bots.forEach((bot, i) => {
    const rest = new RestClient({
      baseUrl: opts.baseUrl,
      credentials: { keyId: bot.keyId, privateKey: bot.privateKeyPem },
      retry: BOT_RETRY,
    });
    const rng = new SeededRandom(seed * 7_919 + i);
    const worker =
      bot.kind === 'market-maker'
        ? new MarketMaker(rest, rng, {
            levels: 4,
            halfSpreadSteps: 1 + (i % 2),
            sizeLotsOf: (m) => m.spec.lotSize * (m.kind === 'binary' ? 10 : 5),
            startTicksOf: (m) => startTicksOf(m, opts.startTicks ?? {}),
          })
        : new NoiseTrader(rest, rng);
    const pause =
      bot.kind === 'market-maker' ? (opts.quoteEveryMs ?? 1_000) : (opts.tradeEveryMs ?? 700);
    loops.push(
      (async () => {
        await sleep(100 * i);
        while (!stopped) {
          try {
            if (markets.length === 0) await refresh();
            await worker.cycle(markets);
          } catch (error) {
            onError(error);
          }
          await sleep(pause / 2 + rng.int(0, pause));
        }
      })(),
    );
  });

  return {
    async stop() {
      stopped = true;
      abort.abort();
      await Promise.allSettled(loops);
    },
  };
}
