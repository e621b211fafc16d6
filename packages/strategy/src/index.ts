// Public surface of the strategy kit: the interface a strategy is written against, the backtest
// driver (recorded commands through the real engine, pure) with its report, and the live runner over
// `@bourse/client`.

export type * from './strategy.ts';
export { BOOK_DEPTH } from './strategy.ts';
export { OwnOrders } from './own-orders.ts';
export { runBacktest } from './backtest/backtest.ts';
export { IdSpace, STRATEGY_SLOTS } from './backtest/id-space.ts';
export {
  BACKTEST_ACCOUNT_ID,
  type BacktestResult,
  type BacktestSettings,
  DEFAULT_CASH,
  type MarketResult,
} from './backtest/result.ts';
export {
  canonicalJson,
  REPORT_FORMAT,
  type ReportMeta,
  reportJson,
  reportObject,
} from './backtest/report-json.ts';
export { formatMoney, reportHtml } from './backtest/report-html.ts';
export { LiveRunner, type LiveOptions } from './live/live-runner.ts';
