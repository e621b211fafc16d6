// Demo bots that trade through the exchange's public API: market makers and noise traders.

export { FairValue } from './fair-value.ts';
export { MarketMaker } from './market-maker.ts';
export { NoiseTrader } from './noise-trader.ts';
export { type BotCredentials, type RunBotsOptions, type RunningBots, runBots } from './run-bots.ts';
export { SeededRandom } from './seeded-random.ts';
export { type ConformanceBotOptions, runConformanceBot } from './conformance-bot.ts';
