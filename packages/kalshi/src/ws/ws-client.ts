// One Kalshi socket's state: its subscriptions (`sid`, channel, watched markets, `seq`), the channel
// vocabulary, and the `market_ticker(s)` parameter of subscribe and update_subscription.

import type { Principal, ExpiryEntry } from '@bourse/gateway';
import type { WebSocket } from 'ws';
import type { PrivateChannel } from './private-events.ts';
import { WsError, WS_ERROR } from './ws-protocol.ts';

export const PUBLIC_CHANNELS = [
  'orderbook_delta',
  'trade',
  'ticker',
  'market_lifecycle_v2',
] as const;
export const PRIVATE: readonly PrivateChannel[] = ['fill', 'user_orders', 'market_positions'];
export type Channel = (typeof PUBLIC_CHANNELS)[number] | PrivateChannel;

export interface Sub {
  readonly sid: number;
  readonly channel: Channel;
  /** Watched markets; undefined = every market. */
  markets: Set<number> | undefined;
  seq: number;
  /** `use_yes_price`: NO levels of the order book quoted at their YES price. */
  readonly yesPrices: boolean;
}

export interface Client {
  readonly ws: WebSocket;
  readonly principal: Principal;
  readonly subs: Map<number, Sub>;
  /** How many of `subs` are on a private channel. */
  privateSubs: number;
  nextSid: number;
  /** The connection's place in the expiry schedule, when its credentials expire. */
  expiry: ExpiryEntry<Client> | undefined;
  alive: boolean;
  /** Commands waiting behind one that waits; undefined when none does. */
  queue: Promise<void> | undefined;
}

export function watches(sub: Sub, instrumentId: number): boolean {
  return sub.markets === undefined || sub.markets.has(instrumentId);
}

export function isPrivate(channel: Channel): channel is PrivateChannel {
  return (PRIVATE as readonly string[]).includes(channel);
}

export function isChannel(x: unknown): x is Channel {
  return (
    (PUBLIC_CHANNELS as readonly unknown[]).includes(x) ||
    (PRIVATE as readonly unknown[]).includes(x)
  );
}

/** `market_ticker` | `market_tickers` → instrument ids; undefined when neither is given. */
export function marketsParam(
  params: Record<string, unknown>,
  resolve: (ticker: string) => number | undefined,
): number[] | undefined {
  const one = params.market_ticker;
  const many = params.market_tickers;
  if (one !== undefined && many !== undefined) {
    throw new WsError(WS_ERROR.invalidParameter, 'Send market_ticker or market_tickers, not both.');
  }
  const list = one !== undefined ? [one] : many;
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || list.length === 0 || !list.every((t) => typeof t === 'string')) {
    throw new WsError(WS_ERROR.invalidParameter, 'market_tickers must be a list of tickers.');
  }
  return list.map((t: string) => {
    const id = resolve(t);
    if (id === undefined) throw new WsError(WS_ERROR.marketNotFound, `Market ${t} not found.`, t);
    return id;
  });
}
