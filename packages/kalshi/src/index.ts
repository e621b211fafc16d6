// Public surface of the Kalshi-compatible API: the adapter the gateway mounts, and the translation
// pieces (fixed-point formats, direction model, vocabularies, errors) for tools that speak Kalshi.

export {
  createKalshiAdapter,
  KALSHI_PREFIX,
  type KalshiAdapter,
  type KalshiAdapterDeps,
  kalshiExtension,
} from './adapter.ts';
export { kalshiBook } from './book-levels.ts';
export * from './direction.ts';
export * from './fixed-point.ts';
export { KalshiError, type KalshiErrorCode, toKalshiError } from './kalshi-error.ts';
export { priceLevelStructure, priceRanges } from './price-grid.ts';
export { KALSHI_ROUTES, REST_PREFIX } from './rest/kalshi-http.ts';
export {
  KALSHI_RATE_TIERS,
  type KalshiRateOptions,
  type TierLimits,
} from './rest/rate-tiers.ts';
export * from './vocabulary.ts';
export { DEFAULT_KALSHI_WS_OPTIONS, KALSHI_WS_PATH, type KalshiWsOptions } from './ws/kalshi-ws.ts';
