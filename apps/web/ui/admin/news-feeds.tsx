// News in the admin console: the feeds attached to series, events and markets with what their last
// poll found (a failing feed shows its error and how many tries failed in a row), a form to attach a
// feed or post an item to a market, its event or its series, and removing a feed.

import type { NewsFeedsResponse, NewsFeedView, NewsPostResponse } from '@bourse/protocol';
import { type FormEvent, useState } from 'react';
import { api, errorText } from '../api/http.ts';
import type { MarketInfo } from '../api/types.ts';
import { useApp } from '../state/app-state.tsx';
import { useApi } from '../state/use-api.ts';

type Kind = 'market' | 'event' | 'series';

/** The ticker a scope of `kind` has for market `m` (a spot market has no event or series). */
function tickerFor(m: MarketInfo, kind: Kind): string | undefined {
  if (kind === 'market') return m.market;
  return kind === 'event' ? m.spec.eventTicker : m.spec.seriesTicker;
}

export function NewsFeeds() {
  const { markets, toast } = useApp();
  const feeds = useApi(() => api<NewsFeedsResponse>('GET', '/api/v1/admin/news/feeds'), []);
  const [symbol, setSymbol] = useState('');
  const [kind, setKind] = useState<Kind>('market');
  const [url, setUrl] = useState('');
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | undefined>();
  const m = markets.find((x) => x.market === symbol) ?? markets[0];
  if (m === undefined) return null;
  const ticker = tickerFor(m, kind);
  const scope = ticker === undefined ? undefined : { kind, ticker };
  const run = async (e: FormEvent, what: 'feed' | 'item') => {
    e.preventDefault();
    if (scope === undefined) return setError(`${m.market} has no ${kind}.`);
    try {
      if (what === 'feed') {
        await api<NewsFeedView>('POST', '/api/v1/admin/news/feeds', { url, scope });
        toast('info', `Feed attached to ${kind} ${scope.ticker}`);
        setUrl('');
        feeds.reload();
      } else {
        const r = await api<NewsPostResponse>('POST', '/api/v1/admin/news/items', { scope, title });
        toast('info', r.stored ? `Posted (${r.item?.sentiment.label})` : 'Already posted');
        setTitle('');
      }
      setError(undefined);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const remove = async (f: NewsFeedView) => {
    try {
      await api('DELETE', `/api/v1/admin/news/feeds/${f.feedId}`);
      feeds.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div className="card" data-testid="news-feeds">
      <h2>News feeds</h2>
      <form className="grid-form" onSubmit={(e) => run(e, 'feed')} aria-label="Attach news feed">
        <ScopeFields m={m} markets={markets} kind={kind} onMarket={setSymbol} onKind={setKind} />
        <label className="span2">
          RSS or Atom address
          <input name="url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} />
        </label>
        <button type="submit" className="primary">
          Attach feed
        </button>
      </form>
      <form className="grid-form" onSubmit={(e) => run(e, 'item')} aria-label="Post news item">
        <label className="span2">
          Headline
          <input name="title" value={title} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <button type="submit">Post item</button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <FeedTable feeds={feeds.data?.feeds ?? []} onRemove={remove} />
    </div>
  );
}

/** Which market, and whether the feed belongs to it, its event or its series. */
function ScopeFields(props: {
  m: MarketInfo;
  markets: readonly MarketInfo[];
  kind: Kind;
  onMarket: (symbol: string) => void;
  onKind: (kind: Kind) => void;
}) {
  const { m, markets, kind } = props;
  return (
    <>
      <label>
        Market
        <select name="market" value={m.market} onChange={(e) => props.onMarket(e.target.value)}>
          {markets.map((x) => (
            <option key={x.market} value={x.market}>
              {x.market}
            </option>
          ))}
        </select>
      </label>
      <label>
        Attach to
        <select name="scope" value={kind} onChange={(e) => props.onKind(e.target.value as Kind)}>
          <option value="market">this market</option>
          <option value="event">its event ({m.spec.eventTicker ?? 'none'})</option>
          <option value="series">its series ({m.spec.seriesTicker ?? 'none'})</option>
        </select>
      </label>
    </>
  );
}

function FeedTable({
  feeds,
  onRemove,
}: {
  feeds: readonly NewsFeedView[];
  onRemove: (f: NewsFeedView) => void;
}) {
  if (feeds.length === 0) return <p className="muted small">No feeds yet.</p>;
  return (
    <table className="small">
      <thead>
        <tr>
          <th>Attached to</th>
          <th>Feed</th>
          <th>Last poll</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {feeds.map((f) => (
          <tr key={f.feedId} data-testid="news-feed-row">
            <td>
              {f.scope.kind} {f.scope.ticker}
            </td>
            <td className="news-title">{f.title ?? f.url}</td>
            <td>
              {f.lastError === null ? (
                f.lastOkTs === null ? (
                  'not yet'
                ) : (
                  `ok ${new Date(f.lastOkTs).toLocaleTimeString()}`
                )
              ) : (
                <span className="neg">
                  failing ×{f.failures}: {f.lastError}
                </span>
              )}
            </td>
            <td>
              <button type="button" onClick={() => onRemove(f)}>
                Remove
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
