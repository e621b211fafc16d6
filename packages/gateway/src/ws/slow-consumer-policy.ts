// What to do with one market-data message for one subscriber, given how much is already waiting in its
// send buffer: send it, skip it (a ticker, or a book delta that a later snapshot will cover), send a
// fresh snapshot instead (the buffer drained after deltas were skipped), or disconnect; and what a
// missed heartbeat means. Pure, so the policy is tested without having to fill a kernel socket buffer.

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

/**
 * Why a socket that missed its heartbeat is dropped. A backlog in the server's send buffer means the
 * kernel's buffers are full: the peer stopped reading, and its pong waits behind bytes it never reads.
 * That is a slow consumer the heartbeat caught before the byte bounds did (at a modest data rate it
 * always does), so it is counted as one; without a backlog the peer is silent or gone.
 */
export function missedHeartbeatCause(bufferedBytes: number): 'slowConsumer' | 'heartbeat' {
  return bufferedBytes > 0 ? 'slowConsumer' : 'heartbeat';
}
