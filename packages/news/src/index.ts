// Public surface of news: feed parsing, headline sentiment, the store and the poller (in-process, or
// on a thread of its own beside a server).

export { type ParsedFeed, type ParsedItem, parseFeedText } from './feed-parse.ts';
export {
  backoffMs,
  DEFAULT_POLL,
  FeedPoller,
  type PollLog,
  type PollSettings,
} from './feed-poller.ts';
export {
  type FeedRow,
  MAX_NEWS_LIMIT,
  type NewsDb,
  type NewsItemRow,
  NewsStore,
  type PollOutcome,
  type Scope,
  type ScopeKind,
} from './news-store.ts';
export {
  NEUTRAL_BAND,
  type SentimentLabel,
  type SentimentScore,
  scoreHeadline,
} from './sentiment.ts';
export { type PollerInit, type PollerThread, startPollerThread } from './poller-thread.ts';
