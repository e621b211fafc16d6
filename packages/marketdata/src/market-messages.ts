// The public market-data messages this package builds; their one declaration is the wire protocol's.

export type {
  BookDeltaMessage,
  BookSnapshotMessage,
  CandleMessage,
  CandleSnapshotMessage,
  MarketMessage,
  PublicTrade,
  TickerMessage,
  TradesMessage,
} from '@bourse/protocol';
