// The open orders' Queue column: the market feed passes on each accepted book message at once (none
// refused during a gap); which book changes and order updates ask for fresh queue positions (only
// levels the user's resting orders sit at, on their side; any snapshot once something is watched;
// order updates of one market, or of any on the portfolio); whether anything rests for the slow
// timer to ask about; how a position reads; and, against a scripted clock, the refresh gate — one
// fetch in flight, starts at least the gap apart, the last request always answered, a failure
// retried later — and the slow timer, which stops while the page is hidden and asks at once when it
// is shown again.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LiveSocket, WireMessage } from '../ui/api/live-socket.ts';
import type { MarketInfo } from '../ui/api/types.ts';
import { MarketFeed } from '../ui/state/market-feed.ts';
import {
  anyResting,
  bookTouches,
  type GateTimers,
  ordersTouch,
  pollWhileVisible,
  queueText,
  RefreshGate,
  type Visibility,
  watchedPrices,
} from '../ui/state/queue-positions.ts';

/** Just enough of the socket for a feed: the test pushes messages of market M. */
class ScriptedSocket {
  readonly listeners = new Set<(m: WireMessage) => void>();
  onMessage(l: (m: WireMessage) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  subscribe() {
    return () => {};
  }
  resubscribe() {}
  push(m: Record<string, unknown>) {
    for (const l of this.listeners) l({ market: 'M', instrumentId: 1, ...m });
  }
}

test('book-change listeners hear each accepted snapshot and delta at once, not refused ones', () => {
  const socket = new ScriptedSocket();
  const feed = new MarketFeed(socket as unknown as LiveSocket, 'M');
  feed.start();
  const heard: unknown[] = [];
  const stop = feed.onBookChange((c) => heard.push([c.snapshot, c.bids, c.asks]));
  socket.push({ channel: 'book', type: 'delta', seq: 9, bids: [[4000, 100, 1]], asks: [] });
  socket.push({ channel: 'book', type: 'snapshot', seq: 10, bids: [[4000, 500, 1]], asks: [] });
  socket.push({ channel: 'book', type: 'delta', seq: 11, bids: [[4000, 300, 1]], asks: [] });
  assert.deepEqual(heard, [
    [true, [[4000, 500, 1]], []],
    [false, [[4000, 300, 1]], []],
  ]);
  socket.push({ channel: 'book', type: 'delta', seq: 13, bids: [], asks: [[4200, 100, 1]] });
  socket.push({ channel: 'book', type: 'delta', seq: 14, bids: [], asks: [[4300, 100, 1]] });
  for (const l of socket.listeners) {
    l({ market: 'OTHER', channel: 'book', type: 'snapshot', seq: 1, bids: [], asks: [] });
  }
  assert.equal(heard.length, 2, 'a gap and another market are not passed on');
  socket.push({ channel: 'book', type: 'snapshot', seq: 14, bids: [], asks: [[4300, 100, 1]] });
  assert.deepEqual(heard[2], [true, [], [[4300, 100, 1]]]);
  stop();
  socket.push({ channel: 'book', type: 'delta', seq: 15, bids: [[4000, 0, 0]], asks: [] });
  assert.equal(heard.length, 3, 'no longer listening');
  feed.stop();
});

test('watched prices are the resting orders of the market by side, parked stops left out', () => {
  const w = watchedPrices(
    [
      { market: 'M', side: 'buy', priceTicks: 4000, state: 'resting' },
      { market: 'M', side: 'buy', priceTicks: 3900 },
      { market: 'M', side: 'sell', priceTicks: 4500, state: 'resting' },
      { market: 'M', side: 'sell', priceTicks: 4700, state: 'parked' },
      { market: 'OTHER', side: 'buy', priceTicks: 4100, state: 'resting' },
    ],
    'M',
  );
  assert.deepEqual([...w.bids].sort(), [3900, 4000]);
  assert.deepEqual([...w.asks], [4500]);
});

test('a book change touches the watched orders only at their prices and sides', () => {
  const w = watchedPrices(
    [
      { market: 'M', side: 'buy', priceTicks: 4000 },
      { market: 'M', side: 'sell', priceTicks: 4500 },
    ],
    'M',
  );
  const delta = (bids: [number, number, number][], asks: [number, number, number][]) => ({
    snapshot: false,
    bids,
    asks,
  });
  assert.equal(bookTouches(delta([[4000, 300, 2]], []), w), true);
  assert.equal(bookTouches(delta([], [[4500, 0, 0]]), w), true);
  assert.equal(bookTouches(delta([[3900, 100, 1]], [[4600, 100, 1]]), w), false);
  assert.equal(bookTouches(delta([[4500, 100, 1]], [[4000, 100, 1]]), w), false, 'other side');
  assert.equal(bookTouches({ snapshot: true, bids: [], asks: [] }, w), true, 'after a gap');
  const none = watchedPrices([], 'M');
  assert.equal(bookTouches({ snapshot: true, bids: [[4000, 1, 1]], asks: [] }, none), false);
  assert.equal(bookTouches(delta([[4000, 300, 2]], []), none), false);
});

test('an orders update touches the market when one of its items is in that market', () => {
  assert.equal(ordersTouch([{ type: 'orderRested', market: 'M' }], 'M'), true);
  assert.equal(ordersTouch([{ market: 'OTHER' }, { type: 'fill', market: 'M' }], 'M'), true);
  assert.equal(ordersTouch([{ market: 'OTHER' }], 'M'), false);
  assert.equal(ordersTouch([null, 3], 'M'), false);
  assert.equal(ordersTouch(undefined, 'M'), false);
});

test('without a market, an orders update touches when any of its items names a market', () => {
  assert.equal(ordersTouch([{ type: 'orderRested', market: 'M' }]), true);
  assert.equal(ordersTouch([null, { type: 'fill', market: 'OTHER' }], undefined), true);
  assert.equal(ordersTouch([{ type: 'orderRested' }, null, 3]), false);
  assert.equal(ordersTouch([]), false);
  assert.equal(ordersTouch(undefined), false);
});

test('something rests when an order of the market (or of any, without one) is not a parked stop', () => {
  const orders = [
    { market: 'M', side: 'buy', priceTicks: 4000, state: 'parked' },
    { market: 'OTHER', side: 'sell', priceTicks: 4500, state: 'resting' },
  ] as const;
  assert.equal(anyResting(orders), true);
  assert.equal(anyResting(orders, 'OTHER'), true);
  assert.equal(anyResting(orders, 'M'), false, 'only a parked stop there');
  assert.equal(anyResting(orders.slice(0, 1)), false);
  assert.equal(anyResting([{ market: 'M', side: 'buy', priceTicks: 4000 }]), true, 'a position');
  assert.equal(anyResting([]), false);
});

const binary = {
  market: 'M',
  kind: 'binary',
  spec: { lotsPerContract: 100 },
} as unknown as MarketInfo;
const spot = { market: 'S', kind: 'spot', spec: {} } as unknown as MarketInfo;

test('a queue position reads as the quantity ahead in the table units, Front at the front', () => {
  assert.deepEqual(queueText(binary, 0, 'n/a'), { text: 'Front', label: 'Front of the queue' });
  assert.deepEqual(queueText(binary, 500, 'n/a'), { text: '5', label: '5 contracts ahead' });
  assert.deepEqual(queueText(binary, 250, 'n/a'), { text: '2.50', label: '2.50 contracts ahead' });
  assert.deepEqual(queueText(spot, 1200, 'n/a'), { text: '1,200', label: '1,200 lots ahead' });
  assert.deepEqual(queueText(binary, undefined, 'Not in the book'), {
    text: '—',
    label: 'Not in the book',
  });
});

/** Timers that only move when the test says so. */
class ScriptedClock implements GateTimers {
  t = 0;
  #next = 1;
  readonly #timers = new Map<number, { at: number; task: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(task: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#timers.set(id, { at: this.t + ms, task });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }
  get pending(): number {
    return this.#timers.size;
  }
  /** Moves time forward, running timers in due order, and lets settled fetches report back. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      const due = [...this.#timers]
        .filter(([, x]) => x.at <= end)
        .sort((a, b) => a[1].at - b[1].at);
      const first = due[0];
      if (first === undefined) break;
      this.#timers.delete(first[0]);
      this.t = first[1].at;
      first[1].task();
    }
    this.t = end;
    await flush();
  }
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

/** A fetch the test settles by hand, recording when each started. */
function scriptedFetch(clock: ScriptedClock) {
  const starts: number[] = [];
  const open: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const fetch = () =>
    new Promise<void>((resolve, reject) => {
      starts.push(clock.t);
      open.push({ resolve, reject });
    });
  return { fetch, starts, open };
}

test('the gate fetches on the next turn, then at most once per gap, and answers the last request', async () => {
  const clock = new ScriptedClock();
  const f = scriptedFetch(clock);
  const gate = new RefreshGate(f.fetch, { minGapMs: 500, retryMs: 5_000, timers: clock });
  gate.request();
  gate.request();
  assert.deepEqual(f.starts, [], 'not inside the request');
  await clock.advance(0);
  assert.deepEqual(f.starts, [0], 'two requests, one fetch');

  // Requests while the fetch is in flight wait for it, then for the gap.
  gate.request();
  gate.request();
  await clock.advance(100);
  assert.deepEqual(f.starts, [0]);
  f.open[0]!.resolve();
  await clock.advance(300);
  assert.deepEqual(f.starts, [0], 'the gap is not over');
  await clock.advance(100);
  assert.deepEqual(f.starts, [0, 500]);
  f.open[1]!.resolve();

  // A burst long after: at once, and one more at the end of the gap for the rest of the burst.
  await clock.advance(2_000);
  assert.deepEqual(f.starts, [0, 500], 'nothing asked, nothing fetched');
  for (let i = 0; i < 10; i++) {
    gate.request();
    await clock.advance(10);
    f.open.at(-1)!.resolve();
  }
  await clock.advance(1_000);
  assert.deepEqual(f.starts, [0, 500, 2_500, 3_000]);
  assert.equal(clock.pending, 0, 'quiet again');
  gate.dispose();
});

test('a failed fetch is retried later, sooner when asked; dispose stops everything', async () => {
  const clock = new ScriptedClock();
  const f = scriptedFetch(clock);
  const gate = new RefreshGate(f.fetch, { minGapMs: 500, retryMs: 5_000, timers: clock });
  gate.request();
  await clock.advance(0);
  f.open[0]!.reject(new Error('network'));
  await clock.advance(4_999);
  assert.deepEqual(f.starts, [0]);
  await clock.advance(1);
  assert.deepEqual(f.starts, [0, 5_000], 'retried');

  f.open[1]!.reject(new Error('network'));
  await clock.advance(1_000);
  gate.request();
  await clock.advance(0);
  assert.deepEqual(f.starts, [0, 5_000, 6_000], 'a request brings the retry forward');
  f.open[2]!.resolve();
  await clock.advance(10_000);
  assert.deepEqual(f.starts, [0, 5_000, 6_000], 'no retry after a success');

  // A fetch that throws instead of rejecting is a failure too.
  const throwing = new RefreshGate(
    () => {
      f.starts.push(clock.t);
      throw new Error('sync');
    },
    { minGapMs: 500, retryMs: 5_000, timers: clock },
  );
  throwing.request();
  await clock.advance(0);
  await clock.advance(5_000);
  assert.equal(f.starts.length, 5);
  throwing.dispose();

  gate.request();
  gate.dispose();
  await clock.advance(10_000);
  assert.equal(f.starts.length, 5, 'disposed: nothing more');
  assert.equal(clock.pending, 0);
});

/** A page the test shows and hides. */
class ScriptedVisibility implements Visibility {
  shown = true;
  readonly listeners = new Set<() => void>();
  visible(): boolean {
    return this.shown;
  }
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(shown: boolean): void {
    this.shown = shown;
    for (const l of this.listeners) l();
  }
}

test('the slow timer ticks while the page is visible, stops while hidden, asks at once when shown', async () => {
  const clock = new ScriptedClock();
  const page = new ScriptedVisibility();
  const ticks: number[] = [];
  const stop = pollWhileVisible(() => ticks.push(clock.t), 5_000, page, clock);
  await clock.advance(4_999);
  assert.deepEqual(ticks, [], 'not at once: the view has just fetched');
  await clock.advance(1);
  await clock.advance(5_000);
  assert.deepEqual(ticks, [5_000, 10_000]);

  await clock.advance(2_000);
  page.set(false);
  assert.equal(clock.pending, 0, 'hidden: no timer');
  await clock.advance(60_000);
  assert.deepEqual(ticks, [5_000, 10_000], 'nothing while hidden');
  page.set(false);
  assert.equal(clock.pending, 0, 'still hidden');

  page.set(true);
  assert.deepEqual(ticks, [5_000, 10_000, 72_000], 'shown again: at once');
  page.set(true);
  assert.equal(clock.pending, 1, 'an event without a change neither ticks nor adds a timer');
  await clock.advance(5_000);
  assert.deepEqual(ticks, [5_000, 10_000, 72_000, 77_000], 'the period starts over');

  stop();
  assert.equal(clock.pending, 0);
  assert.equal(page.listeners.size, 0, 'no longer listening');
  await clock.advance(20_000);
  assert.equal(ticks.length, 4, 'stopped');

  // Started while hidden: nothing until shown.
  page.shown = false;
  const hidden: number[] = [];
  const stopHidden = pollWhileVisible(() => hidden.push(clock.t), 5_000, page, clock);
  await clock.advance(20_000);
  assert.deepEqual(hidden, []);
  page.set(true);
  assert.deepEqual(hidden, [clock.t]);
  stopHidden();
});
