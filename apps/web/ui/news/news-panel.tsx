// The market page's news panel: the sentiment trend of the market's news (its own items, its event's
// and its series') as a line around zero, with what the newest items say, and the headlines newest
// first with their source, time and sentiment. A server that keeps no news shows no panel.

import type { NewsItemView } from '@bourse/protocol';
import type { Loaded } from '../state/use-api.ts';
import { latestMood, sentimentTrend, trendPath } from './news-trend.ts';

const W = 300;
const H = 56;
const SHOWN = 20;

const MOOD_TEXT = { positive: 'good', negative: 'bad', neutral: 'mixed' } as const;
const LABEL_CLASS = { positive: 'pos', negative: 'neg', neutral: 'muted' } as const;

function when(ts: number): string {
  return new Date(ts).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

function signed(n: number): string {
  const r = Math.round(n * 10) / 10;
  return r > 0 ? `+${r}` : String(r);
}

export function NewsPanel({ news }: { news: Loaded<readonly NewsItemView[] | null> }) {
  if (news.data === null) return null;
  if (news.error !== undefined && news.data === undefined) {
    return (
      <div className="card news" data-testid="news-panel">
        <h2>News</h2>
        <p className="error">{news.error}</p>
      </div>
    );
  }
  const items = news.data ?? [];
  const points = sentimentTrend(items);
  const mood = latestMood(points);
  const { path, zeroY } = trendPath(points, W, H);
  return (
    <div className="card news" data-testid="news-panel">
      <div className="card-head">
        <h2>News</h2>
        {mood && (
          <span className={`small ${LABEL_CLASS[mood.mood]}`} data-testid="news-mood">
            Sentiment {signed(mood.value)}: news lately {MOOD_TEXT[mood.mood]}
          </span>
        )}
      </div>
      {items.length === 0 ? (
        <p className="muted small">{news.loading ? 'Loading…' : 'No news for this market yet.'}</p>
      ) : (
        <>
          <svg
            className="news-trend"
            viewBox={`0 0 ${W} ${H}`}
            preserveAspectRatio="none"
            role="img"
            aria-label={`Sentiment trend over ${points.length} items, now ${signed(mood?.value ?? 0)}`}
            data-testid="news-trend"
          >
            <line x1={0} x2={W} y1={zeroY} y2={zeroY} className="news-zero" />
            <path d={path} className={`news-line ${mood?.mood ?? 'neutral'}`} />
          </svg>
          <ul className="news-list">
            {items.slice(0, SHOWN).map((i) => (
              <li key={i.itemId} data-testid="news-item" data-sentiment={i.sentiment.label}>
                <span
                  className={`news-dot ${i.sentiment.label}`}
                  title={`Sentiment ${i.sentiment.label} (${signed(i.sentiment.score)})`}
                />
                <div>
                  {i.link === null ? (
                    <span className="news-title">{i.title}</span>
                  ) : (
                    <a
                      className="news-title"
                      href={i.link}
                      target="_blank"
                      rel="noopener noreferrer"
                    >
                      {i.title}
                    </a>
                  )}
                  <p className="muted small">
                    {i.source} · {when(i.ts)} ·{' '}
                    <span className={LABEL_CLASS[i.sentiment.label]}>
                      {i.sentiment.label} {signed(i.sentiment.score)}
                    </span>
                  </p>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
