// Public market data to the sockets that subscribed: per topic (channel and market, and for candles
// the interval) the set of subscribers; each message is serialised once, plain sockets get a turn's
// frames in one write, and a slow consumer's book stream is conflated and resnapshotted when it drains.

import type { CandleInterval, MarketMessage } from '@bourse/marketdata';
import { WebSocket } from 'ws';
import type { GatewayServices } from '../api/gateway-services.ts';
import type { MessageFate } from '../sandbox/fault-injector.ts';
import { decideMarketSend } from './slow-consumer-policy.ts';
import type { SocketWriter } from './socket-writer.ts';
import { textFrame } from './text-frame.ts';
import { type Client, rawSocket } from './ws-client.ts';
import type { WsOptions } from './ws-gateway.ts';

export type PublicChannel = 'book' | 'trades' | 'ticker' | 'candles';

/** Subscribers of a market message: per channel and market, and for candles per interval too. */
function topicOf(m: MarketMessage): string {
  return m.channel === 'candles'
    ? topic(m.channel, m.instrumentId, m.interval)
    : topic(m.channel, m.instrumentId, undefined);
}

export function topic(
  channel: PublicChannel,
  instrumentId: number,
  interval: CandleInterval | undefined,
): string {
  return interval === undefined
    ? `${channel}:${instrumentId}`
    : `${channel}:${instrumentId}:${interval}`;
}

export class MarketFanout {
  readonly #s: GatewayServices;
  readonly #opts: WsOptions;
  readonly #writer: SocketWriter;
  readonly #topics = new Map<string, Set<Client>>();
  // This and #pendingFrames are replaced after each broadcast, never cleared: decision 0950.
  #corked = new Set<Client>();
  /** Frames of the broadcast in progress, per plain socket (see #flushFrames). */
  #pendingFrames = new Map<Client, { frames: Buffer[]; key: string | undefined }>();

  constructor(s: GatewayServices, opts: WsOptions, writer: SocketWriter) {
    this.#s = s;
    this.#opts = opts;
    this.#writer = writer;
  }

  /** The socket gets the topic's messages from the next broadcast on. */
  add(c: Client, key: string): void {
    let set = this.#topics.get(key);
    if (set === undefined) this.#topics.set(key, (set = new Set()));
    set.add(c);
  }

  /** The sockets subscribed to `key` (for messages that are not the hub's, such as news). */
  subscribers(key: string): ReadonlySet<Client> | undefined {
    return this.#topics.get(key);
  }

  remove(c: Client, key: string): void {
    this.#topics.get(key)?.delete(c);
  }

  /** Sends one turn's market data; each message is serialised once for all its subscribers. */
  broadcast(messages: readonly MarketMessage[]): void {
    // Each payload is encoded once and the same bytes go to every subscriber. A plain socket gets all
    // of this turn's frames for it in ONE write (frames concatenated once per distinct combination),
    // because at 10,000 subscribers the system calls are most of the broadcast's cost. Sockets that
    // go through `ws` (compression) are corked for the broadcast instead, for the same effect.
    const corked: Client[] = [];
    // Sandbox only: production gateways have no injector, so this is one check per broadcast.
    const faulty = this.#s.faults?.active === true;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      const subscribers = this.#topics.get(topicOf(m));
      if (subscribers === undefined || subscribers.size === 0) continue;
      const text = Buffer.from(JSON.stringify(m));
      const frame = this.#opts.compressMarketData ? undefined : textFrame(text);
      for (const c of subscribers) {
        const fate = faulty ? this.#fate(c, m) : 'send';
        if (fate === 'drop') continue;
        if (frame === undefined || !c.plainFrames) {
          if (this.#corked.add(c).size > corked.length) {
            corked.push(c);
            rawSocket(c.ws)?.cork();
          }
        }
        this.#sendMarket(c, m, text, frame, i);
        if (fate === 'duplicate') this.#sendMarket(c, m, text, frame, i);
      }
    }
    for (const c of corked) rawSocket(c.ws)?.uncork();
    this.#corked = new Set();
    this.#flushFrames();
  }

  /** What a sandbox fault does to this message for this socket (anonymous sockets have none). */
  #fate(c: Client, m: MarketMessage): MessageFate {
    const faults = this.#s.faults;
    if (faults === undefined || c.principal === undefined) return 'send';
    const seq = m.channel === 'book' && m.type === 'delta' ? m.seq : undefined;
    return faults.message(
      c.principal.accountId,
      c.id,
      m.channel,
      m.instrumentId,
      seq,
      this.#s.clock(),
    );
  }

  /**
   * Writes each plain socket's frames of this broadcast in one system call, straight to the TCP
   * socket. Safe only on sockets without permessage-deflate, where `ws` never holds a frame of its
   * own back that this write could overtake.
   */
  #flushFrames(): void {
    const joined = new Map<string, Buffer>();
    const pending = this.#pendingFrames;
    this.#pendingFrames = new Map();
    for (const [c, p] of pending) {
      if (c.ws.readyState !== WebSocket.OPEN) continue;
      this.#s.metrics.wsMessagesOut += p.frames.length;
      let bytes: Buffer;
      if (p.frames.length === 1) bytes = p.frames[0]!;
      else if (p.key === undefined) bytes = Buffer.concat(p.frames);
      else {
        bytes = joined.get(p.key) ?? Buffer.concat(p.frames);
        joined.set(p.key, bytes);
      }
      rawSocket(c.ws)?.write(bytes);
    }
  }

  #sendMarket(
    c: Client,
    m: MarketMessage,
    text: Buffer,
    frame: Buffer | undefined,
    index: number,
  ): void {
    const key = `book:${m.instrumentId}`;
    const stale = m.channel === 'book' && c.subs.get(key) === true;
    switch (decideMarketSend(m.channel, c.ws.bufferedAmount, stale, this.#opts)) {
      case 'disconnect':
        this.#writer.terminate(c, 'slowConsumer');
        return;
      case 'skip':
        return;
      case 'skipAndMarkStale':
        c.subs.set(key, true);
        return;
      case 'resnapshot':
        // The hub's snapshot already includes this delta.
        c.subs.set(key, false);
        this.#s.metrics.wsConflations++;
        if (frame !== undefined && c.plainFrames) {
          const snapshot = Buffer.from(JSON.stringify(this.#s.hub.snapshot(m.instrumentId)));
          this.#queueFrame(c, textFrame(snapshot), undefined);
        } else {
          this.#writer.sendRaw(
            c,
            JSON.stringify(this.#s.hub.snapshot(m.instrumentId)),
            this.#opts.compressMarketData,
          );
        }
        return;
      case 'send':
        if (frame !== undefined && c.plainFrames) this.#queueFrame(c, frame, index);
        else this.#writer.sendRaw(c, text, this.#opts.compressMarketData);
        return;
    }
  }

  /**
   * Adds a frame to the socket's write for this broadcast. `index` names a shared frame (the
   * message's position in the broadcast); a socket's frames can be joined once for every socket
   * with the same indices, unless it also gets a frame of its own (`undefined`: a resnapshot).
   */
  #queueFrame(c: Client, frame: Buffer, index: number | undefined): void {
    const p = this.#pendingFrames.get(c);
    if (p === undefined) {
      this.#pendingFrames.set(c, {
        frames: [frame],
        key: index === undefined ? undefined : `${index}`,
      });
      return;
    }
    p.frames.push(frame);
    p.key = p.key === undefined || index === undefined ? undefined : `${p.key},${index}`;
  }
}
