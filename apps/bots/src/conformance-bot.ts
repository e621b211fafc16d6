// The demo bots' client stack under the conformance kit's line protocol (docs/conformance.md): orders
// through a RestClient with the bots' retry policy (Retry-After honoured, an order placed at most once
// under its client order id), the book and the account's fills through a LiveBook (resynchronised
// after gaps, disconnects and a frozen feed; duplicates counted once). `bourse conformance bot` runs it.

import { LiveBook, RestClient } from '@bourse/client';
import type { BotMessage, KitMessage } from '@bourse/protocol';
import { BOT_RETRY } from './run-bots.ts';

export interface ConformanceBotOptions {
  readonly baseUrl: string;
  readonly keyId: string;
  readonly privateKeyPem: string;
  readonly market: string;
  /** The kit's messages, one JSON object per line; the bot stops when they end. */
  readonly lines: AsyncIterable<string>;
  readonly write: (line: string) => void;
  readonly log?: (text: string) => void;
}

export async function runConformanceBot(o: ConformanceBotOptions): Promise<void> {
  const rest = new RestClient({
    baseUrl: o.baseUrl,
    credentials: { keyId: o.keyId, privateKey: o.privateKeyPem },
    retry: BOT_RETRY,
  });
  const live = await LiveBook.open(rest, {
    markets: [o.market],
    fills: true,
    staleAfterMs: 2_000,
    onEvent: (e) => o.log?.(`${e.type}${'market' in e ? ` ${e.market}` : ''}`),
  });
  const send = (m: BotMessage) => o.write(JSON.stringify(m));
  send({ op: 'ready' });
  try {
    for await (const line of o.lines) {
      if (line.trim() === '') continue;
      const m = JSON.parse(line) as KitMessage;
      if (m.op === 'stop') break;
      if (m.op === 'book') {
        const d = live.depth(o.market);
        send(
          d === undefined
            ? { op: 'book', syncing: true }
            : {
                op: 'book',
                bids: d.bids.map((l) => [l[0], l[1]] as const),
                asks: d.asks.map((l) => [l[0], l[1]] as const),
              },
        );
      } else if (m.op === 'filled') {
        send({ op: 'filled', lots: live.filledLots(o.market) });
      } else if (m.op === 'place') {
        try {
          const ack = await rest.placeOrder({
            market: o.market,
            side: m.side,
            priceTicks: m.priceTicks,
            qtyLots: m.qtyLots,
          });
          send({ op: 'placed', intent: m.intent, orderId: ack.orderId });
        } catch (error) {
          send({ op: 'failed', intent: m.intent, error: String(error) });
        }
      }
    }
  } finally {
    await live.close();
  }
}
