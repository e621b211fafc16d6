// One WebSocket connection as the gateway keeps it: its principal, rate limit, subscriptions, expiry
// and cancel-on-disconnect state; and the TCP socket under it, for corking and frame writes.

import type { WebSocket } from 'ws';
import type { ExpiryEntry } from '../auth/expiry-schedule.ts';
import type { Principal } from '../auth/roles.ts';
import type { BucketConfig } from '../auth/token-bucket.ts';
import { ApiError } from '../error-catalogue.ts';
import type { CancelScope, CloseCause } from './cancel-on-disconnect.ts';
import type { PrivateChannel } from './private-feed.ts';

export interface Client {
  /** Numbers the gateway's sockets from 1 (sandbox faults may target one). */
  readonly id: number;
  readonly ws: WebSocket;
  readonly principal: Principal | undefined;
  readonly limitKey: string;
  readonly limit: BucketConfig;
  /** Topic (`${channel}:${instrumentId}[:${interval}]`) → stale (book streams awaiting a resnapshot). */
  readonly subs: Map<string, boolean>;
  readonly privateChannels: Set<PrivateChannel>;
  /**
   * The socket carries plain frames only (no permessage-deflate was negotiated), so market data can
   * be written to it as frames built once per broadcast (see #flushFrames).
   */
  readonly plainFrames: boolean;
  /** The socket's place in the expiry schedule, when its credentials expire. */
  expiry: ExpiryEntry<Client> | undefined;
  /** Set while the socket is armed: what its close cancels. */
  cancelOnDisconnect: CancelScope | undefined;
  /** Why the gateway ended the socket, when it did (for the cancel-on-disconnect log). */
  closeCause: CloseCause | undefined;
  alive: boolean;
}

/** The principal of a socket that may trade, or the socket's error for one that may not. */
export function tradingPrincipal(p: Principal | undefined): Principal {
  if (p === undefined) throw new ApiError('UNAUTHENTICATED');
  if (!p.scopes.has('trade'))
    throw new ApiError('FORBIDDEN', 'Order entry and cancel-on-disconnect need the trade scope.');
  return p;
}

export interface RawSocket {
  cork(): void;
  uncork(): void;
  write(data: Buffer): boolean;
}

/** The TCP socket under a WebSocket (`ws` keeps it in `_socket`), for corking and frame writes. */
export function rawSocket(ws: WebSocket): RawSocket | undefined {
  return (ws as unknown as { _socket?: RawSocket })._socket;
}
