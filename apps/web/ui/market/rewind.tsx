// The market page's "rewind": a slider over the exchange's sequence numbers that shows the market's
// book as it was at the chosen seq, read from GET /api/v1/history/state (rebuilt on the server from a
// snapshot and the journal, so it is exactly the book the engine held then, not an approximation).

import { useEffect, useRef, useState } from 'react';
import { api, errorText } from '../api/http.ts';
import type { Level, MarketInfo } from '../api/types.ts';
import { OrderBook } from './order-book.tsx';

interface PastBook {
  readonly seq: number;
  readonly ts: number;
  readonly book?: { readonly bids: Level[]; readonly asks: Level[] };
}

/** Each history read replays journal records on the server: ask only once the slider rests. */
const SETTLE_MS = 250;

function readAt(market: string, at: { seq: number } | { ts: number }): Promise<PastBook> {
  return api<PastBook>('GET', '/api/v1/history/state', undefined, { ...at, market, depth: 12 });
}

/** The book at the slider's seq: read when opened (the latest seq) and once the slider rests. */
function usePastBook(open: boolean, market: string) {
  const [latest, setLatest] = useState<number | undefined>();
  const [wanted, setWanted] = useState<number | undefined>();
  const [shown, setShown] = useState<PastBook | undefined>();
  const [error, setError] = useState<string | undefined>();
  const asked = useRef(0);
  const read = (at: { seq: number } | { ts: number }, then: (s: PastBook) => void) => {
    const mine = ++asked.current;
    readAt(market, at).then(
      (s) => {
        if (asked.current !== mine) return;
        then(s);
        setShown(s);
        setError(undefined);
      },
      (e: unknown) => asked.current === mine && setError(errorText(e)),
    );
  };
  // Opening reads the book now, which also says how far the slider reaches: the largest time reads
  // the journal's durable end whatever this device's clock says.
  useEffect(() => {
    if (!open) return;
    read({ ts: Number.MAX_SAFE_INTEGER }, (s) => {
      setLatest(s.seq);
      setWanted(s.seq);
    });
  }, [open, market]);
  useEffect(() => {
    if (!open || wanted === undefined || wanted === shown?.seq) return;
    const timer = setTimeout(() => read({ seq: wanted }, () => {}), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [open, wanted, shown?.seq, market]);
  return { latest, wanted, setWanted, shown, error };
}

export function Rewind({ m }: { m: MarketInfo }) {
  const [open, setOpen] = useState(false);
  const { latest, wanted, setWanted, shown, error } = usePastBook(open, m.market);
  if (!open) {
    return (
      <button type="button" className="rewind-open" onClick={() => setOpen(true)}>
        Rewind the book
      </button>
    );
  }
  const settled = shown !== undefined && shown.seq === wanted;
  return (
    <section className="card rewind" aria-label="Rewind" data-testid="rewind">
      <div className="card-head">
        <h2>Rewind</h2>
        <button type="button" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
      {latest !== undefined && (
        <label>
          Sequence number
          <input
            type="range"
            min={0}
            max={latest}
            value={wanted ?? latest}
            onChange={(e) => setWanted(Number(e.currentTarget.value))}
          />
        </label>
      )}
      <p className="muted small" data-testid="rewind-at" aria-live="polite">
        {shown === undefined
          ? 'Loading…'
          : `${settled ? '' : 'Loading… '}book at seq ${shown.seq}` +
            (shown.ts === 0 ? '' : ` (${new Date(shown.ts).toLocaleString()})`)}
      </p>
      {error !== undefined && <p className="error">{error}</p>}
      {shown !== undefined && (
        <OrderBook
          m={m}
          bids={shown.book?.bids ?? []}
          asks={shown.book?.asks ?? []}
          ready={settled}
          onPick={() => {}}
        />
      )}
    </section>
  );
}
