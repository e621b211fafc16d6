// Rebuilds one `orderbook_delta` subscription's book from its messages, as a Kalshi client would: the
// snapshot sets each side, every delta adds its signed `delta_fp` at `price_dollars`. Counts are kept
// in hundredths so the arithmetic is exact.

type Msg = Record<string, unknown>;

const hundredths = (fp: string) => Math.round(Number(fp) * 100);
const fp = (h: number) => (h / 100).toFixed(2);

/** Each side as `[[price, count], …]` ascending by price, like the REST `orderbook_fp`. */
export function bookFromSocket(messages: readonly Msg[], sid: number) {
  const yes = new Map<string, number>();
  const no = new Map<string, number>();
  for (const m of messages) {
    if (m.sid !== sid) continue;
    const msg = m.msg as Record<string, unknown>;
    if (m.type === 'orderbook_snapshot') {
      yes.clear();
      no.clear();
      for (const [p, c] of (msg.yes_dollars_fp as [string, string][] | undefined) ?? [])
        yes.set(p, hundredths(c));
      for (const [p, c] of (msg.no_dollars_fp as [string, string][] | undefined) ?? [])
        no.set(p, hundredths(c));
    } else if (m.type === 'orderbook_delta') {
      const side = msg.side === 'yes' ? yes : no;
      const price = msg.price_dollars as string;
      const next = (side.get(price) ?? 0) + hundredths(msg.delta_fp as string);
      if (next === 0) side.delete(price);
      else side.set(price, next);
    }
  }
  const out = (side: Map<string, number>) =>
    [...side].sort((a, b) => Number(a[0]) - Number(b[0])).map(([p, c]) => [p, fp(c)]);
  return { yes: out(yes), no: out(no) };
}

/** The `seq` of every orderbook message of one subscription, in arrival order. */
export function orderbookSeqs(messages: readonly Msg[], sid: number): number[] {
  return messages
    .filter(
      (m) => m.sid === sid && (m.type === 'orderbook_snapshot' || m.type === 'orderbook_delta'),
    )
    .map((m) => m.seq as number);
}
