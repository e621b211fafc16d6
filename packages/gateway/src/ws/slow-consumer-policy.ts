// What to do with one market-data message for one subscriber, given how much is already waiting in its
// send buffer: send it, skip it (a ticker, or a book delta that a later snapshot will cover), send a
// fresh snapshot instead (the buffer drained after deltas were skipped), or disconnect. Pure, so the
// policy is tested without having to fill a kernel socket buffer.

export type SendDecision = 'send' | 'skip' | 'skipAndMarkStale' | 'resnapshot' | 'disconnect';

export interface SlowConsumerBounds {
  /** Above this many buffered bytes, book deltas and tickers are withheld. */
  readonly conflateBytes: number;
  /** Above this many buffered bytes, the client is disconnected. */
  readonly disconnectBytes: number;
}

export function decideMarketSend(
  channel: 'book' | 'trades' | 'ticker' | 'candles',
  bufferedBytes: number,
  bookStale: boolean,
  bounds: SlowConsumerBounds,
): SendDecision {
  if (bufferedBytes > bounds.disconnectBytes) return 'disconnect';
  const slow = bufferedBytes > bounds.conflateBytes;
  if (channel === 'book') {
    if (slow) return 'skipAndMarkStale';
    return bookStale ? 'resnapshot' : 'send';
  }
  if (channel === 'ticker' && slow) return 'skip';
  // Trades are never conflated: each is a fact a client may need; only the hard bound stops them.
  // Nor are candles: a skipped update would leave the client's open candle wrong until the next trade,
  // and a skipped close would lose a bucket's final state.
  return 'send';
}
