// The conformance kit's line protocol (docs/conformance.md): the kit drives a client's bot through its
// standard input and reads its answers on standard output, one JSON object per line. A bot is started
// with BOURSE_URL, BOURSE_KEY_ID, BOURSE_KEY_FILE and BOURSE_MARKET in its environment.

export const CONFORMANCE_PROTOCOL = 'bourse-conformance/1';

/** What the kit asks of the bot. */
export type KitMessage =
  /** Place one good-till-cancelled limit order in BOURSE_MARKET for this intent, exactly once. */
  | {
      readonly op: 'place';
      readonly intent: string;
      readonly side: 'buy' | 'sell';
      readonly priceTicks: number;
      readonly qtyLots: number;
    }
  /** The bot's current view of BOURSE_MARKET's book. */
  | { readonly op: 'book' }
  /** Lots the bot saw its account fill in BOURSE_MARKET (from its private feed). */
  | { readonly op: 'filled' }
  | { readonly op: 'stop' };

export type BookSide = readonly (readonly [priceTicks: number, qtyLots: number])[];

/** What the bot answers (each `place`, `book` and `filled` gets exactly one answer). */
export type BotMessage =
  /** Sent once, when the bot is connected and following the market. */
  | { readonly op: 'ready' }
  | { readonly op: 'placed'; readonly intent: string; readonly orderId: number }
  | { readonly op: 'failed'; readonly intent: string; readonly error: string }
  /** `syncing`: the bot knows its view is not right yet (it is resynchronising). */
  | { readonly op: 'book'; readonly syncing: true }
  | { readonly op: 'book'; readonly bids: BookSide; readonly asks: BookSide }
  | { readonly op: 'filled'; readonly lots: number };
