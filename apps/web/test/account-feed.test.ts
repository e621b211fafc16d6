// The account feed against a scripted socket: every update on a private channel asks the account's
// screens to load again; so does the confirmation of the last private channel on each connection,
// because a change made after the screens loaded but before the server subscribed this socket (a fill
// right after the portfolio opened) reaches no update and would stay off the screen until the next one.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectionState, WireMessage } from '../ui/api/live-socket.ts';
import { AccountFeed, PRIVATE_CHANNELS } from '../ui/state/account-feed.ts';

class ScriptedSocket {
  state: ConnectionState = 'connecting';
  readonly subscribed: string[] = [];
  readonly released: string[] = [];
  readonly #listeners = new Set<(m: WireMessage) => void>();
  readonly #stateListeners = new Set<() => void>();
  onMessage(l: (m: WireMessage) => void) {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }
  onState(l: () => void) {
    this.#stateListeners.add(l);
    return () => this.#stateListeners.delete(l);
  }
  subscribe(channel: string) {
    this.subscribed.push(channel);
    return () => this.released.push(channel);
  }
  push(m: WireMessage) {
    for (const l of this.#listeners) l(m);
  }
  setState(state: ConnectionState) {
    this.state = state;
    for (const l of this.#stateListeners) l();
  }
  confirm(channels: readonly string[] = PRIVATE_CHANNELS) {
    for (const channel of channels) this.push({ type: 'subscribed', id: 1, channel });
  }
}

function started() {
  const socket = new ScriptedSocket();
  let changes = 0;
  const feed = new AccountFeed(socket, () => changes++);
  return { socket, feed, changes: () => changes };
}

test('a change made before the subscriptions took effect still reaches the screens', () => {
  const { socket, changes } = started();
  assert.deepEqual(socket.subscribed, [...PRIVATE_CHANNELS]);
  socket.setState('live');
  // The screens have loaded; a fill is made now, before the server has this socket on the channels:
  // no update will ever carry it.
  socket.confirm(['orders', 'fills', 'balances']);
  assert.equal(changes(), 0, 'not before every private channel is on');
  socket.confirm(['positions']);
  assert.equal(changes(), 1, 'once all are on: the screens load again and see the fill');
  socket.confirm(['positions']);
  assert.equal(changes(), 1, 'a repeated confirmation is not a new connection');
});

test('updates on private channels ask for a load; public channels and other messages do not', () => {
  const { socket, changes } = started();
  socket.setState('live');
  socket.confirm();
  const before = changes();
  socket.push({ channel: 'fills', type: 'update', items: [] });
  socket.push({ channel: 'balances', type: 'update', items: [] });
  socket.push({ channel: 'trades', type: 'update', items: [] });
  socket.push({ channel: 'ticker', type: 'ticker' });
  socket.push({ type: 'subscribed', id: 9, channel: 'book', market: 'M' });
  socket.push({ type: 'pong', id: 1 });
  assert.equal(changes() - before, 2);
});

test('each new connection confirms the channels again', () => {
  const { socket, changes } = started();
  socket.setState('live');
  socket.confirm();
  assert.equal(changes(), 1);
  socket.setState('reconnecting');
  socket.setState('live');
  socket.confirm(['orders', 'fills', 'balances']);
  assert.equal(changes(), 1);
  socket.confirm(['positions']);
  assert.equal(changes(), 2, 'what changed while the socket was away is loaded again');
});

test('closing releases the channels and stops listening', () => {
  const { socket, feed, changes } = started();
  feed.close();
  assert.deepEqual(socket.released, [...PRIVATE_CHANNELS]);
  socket.setState('live');
  socket.confirm();
  socket.push({ channel: 'orders', type: 'update', items: [] });
  assert.equal(changes(), 0);
});
