// The news panel's arithmetic: the sentiment trend is a moving mean of headline scores, oldest first;
// its newest point says whether news is good or bad lately; news items mark the candle whose bucket
// holds them, several on one candle making one marker named by the newest.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NewsItemView } from '@bourse/protocol';
import { newsMarkers } from '../ui/news/news-markers.ts';
import { latestMood, sentimentTrend, trendPath } from '../ui/news/news-trend.ts';

function item(itemId: number, ts: number, score: number, title = `item ${itemId}`): NewsItemView {
  const label = score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral';
  return {
    itemId,
    scope: { kind: 'market', ticker: 'M' },
    title,
    link: null,
    summary: null,
    source: 's',
    ts,
    receivedTs: ts,
    sentiment: { score, comparative: score / 5, label },
  };
}

test('the trend is the mean of each item and the ones before it, within the window', () => {
  // Given newest first, as the API answers.
  const items = [item(3, 3_000, -6), item(2, 2_000, 4), item(1, 1_000, 2)];
  assert.deepEqual(
    sentimentTrend(items, 2).map((p) => [p.ts, p.value]),
    [
      [1_000, 2],
      [2_000, 3],
      [3_000, -1],
    ],
  );
  assert.deepEqual(latestMood(sentimentTrend(items, 2)), { value: -1, mood: 'negative' });
  assert.deepEqual(latestMood(sentimentTrend([item(1, 1, 3), item(2, 2, -3)], 5)), {
    value: 0,
    mood: 'neutral',
  });
  assert.equal(latestMood([]), undefined);
});

test('the trend path spans the box, zero in the middle and the largest mean at the edge', () => {
  const points = [
    { ts: 1, value: 2 },
    { ts: 2, value: -4 },
  ];
  const { path, zeroY } = trendPath(points, 100, 50);
  assert.equal(zeroY, 25);
  assert.equal(path, 'M0.0,13.5 L100.0,48.0');
  assert.equal(trendPath([], 100, 50).path, '');
});

test('news marks the candle that holds it; one marker per candle, named by the newest', () => {
  const bars = [60, 120, 180].map((time) => ({
    time,
    open: 1,
    high: 1,
    low: 1,
    close: 1,
    volume: 1,
    trades: 1,
  }));
  const markers = newsMarkers(
    [
      item(1, 30_000, 5, 'before the first candle'),
      item(2, 125_000, 3, 'Good news'),
      item(3, 170_000, -3, 'Bad news, newest in its minute'),
      item(4, 999_000, 0, 'After the last candle'),
    ],
    bars,
  );
  assert.deepEqual(markers, [
    { time: 120, label: 'negative', text: 'Bad news, newest in its minute (+1)' },
    { time: 180, label: 'neutral', text: 'After the last candle' },
  ]);
});
