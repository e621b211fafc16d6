// The account's private channels on the live socket, and when the account's screens must load again:
// on every update, and once each connection has confirmed all of them. A screen loads over REST as it
// opens, before the socket's subscriptions take effect on the server (the socket connects, then the
// user is known, then it subscribes); a fill in between reaches no update, so without the second load
// the screen would show the account as it was until the next change. The confirmation comes after the
// server added this socket to the channels: a load that starts then sees every change the feed missed,
// and every later one arrives as an update. A reconnect subscribes again, so it is confirmed again.

import type { ConnectionState, LiveSocket, WireMessage } from '../api/live-socket.ts';

export const PRIVATE_CHANNELS = ['orders', 'fills', 'balances', 'positions'] as const;

export type AccountSocket = Pick<LiveSocket, 'subscribe' | 'onMessage' | 'onState'> & {
  readonly state: ConnectionState;
};

function isPrivate(channel: unknown): boolean {
  return (PRIVATE_CHANNELS as readonly unknown[]).includes(channel);
}

export class AccountFeed {
  readonly #releases: (() => void)[];
  /** The channels this connection has not confirmed yet. */
  #unconfirmed = new Set<unknown>(PRIVATE_CHANNELS);

  /** Subscribes at once; `changed` runs whenever the account's screens should load again. */
  constructor(socket: AccountSocket, changed: () => void) {
    const receive = (m: WireMessage) => {
      if (!isPrivate(m.channel)) return;
      if (m.type === 'update') changed();
      else if (m.type === 'subscribed' && this.#unconfirmed.delete(m.channel)) {
        if (this.#unconfirmed.size === 0) changed();
      }
    };
    this.#releases = [
      socket.onMessage(receive),
      socket.onState(() => {
        if (socket.state !== 'live') this.#unconfirmed = new Set(PRIVATE_CHANNELS);
      }),
      ...PRIVATE_CHANNELS.map((c) => socket.subscribe(c)),
    ];
  }

  close(): void {
    for (const release of this.#releases) release();
  }
}
