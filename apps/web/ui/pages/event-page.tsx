// One event: its title under its series' title, and every market of it with live prices, so the
// outcomes of one question can be compared side by side.

import { api } from '../api/http.ts';
import type { MarketInfo } from '../api/types.ts';
import { Link } from '../components/link.tsx';
import { useApp } from '../state/app-state.tsx';
import { useApi } from '../state/use-api.ts';
import { useTickers } from '../state/use-tickers.ts';
import { MarketTable, withTicker } from './markets-page.tsx';
import { Loading } from '../components/offline-banner.tsx';

interface EventView {
  readonly eventTicker: string;
  readonly seriesTicker: string;
  readonly title: string | null;
  readonly seriesTitle: string | null;
  readonly markets: MarketInfo[];
}

export function EventPage({ ticker }: { ticker: string }) {
  const { socket } = useApp();
  const loaded = useApi(
    () => api<EventView>('GET', `/api/v1/events/${encodeURIComponent(ticker)}`),
    [ticker],
    `event:${ticker}`,
  );
  const ev = loaded.data;
  const tickers = useTickers(socket, ev?.markets.map((m) => m.market) ?? []);
  if (ev === undefined) {
    return loaded.error === undefined ? (
      <Loading />
    ) : (
      <section>
        <h1>Unknown event</h1>
        <p>
          {loaded.error} <Link to="/">Back to markets</Link>
        </p>
      </section>
    );
  }
  const rows = ev.markets.map((m) => withTicker(m, tickers.get(m.market)));
  return (
    <section>
      <p className="crumbs">
        <Link to="/">Markets</Link> / {ev.seriesTitle ?? ev.seriesTicker}
      </p>
      <h1>{ev.title ?? ev.eventTicker}</h1>
      <p className="muted">{ev.eventTicker}</p>
      <div className="card event">
        <MarketTable markets={rows} />
      </div>
    </section>
  );
}
