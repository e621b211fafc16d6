// Feed parsing and headline scoring as units: the RSS and Atom fixtures read into items with keys,
// links, text and times; known headlines score with the sign a reader would give them.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseFeedText, scoreHeadline } from '@bourse/news';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

test('an RSS 2.0 feed reads into items keyed by guid, with text summaries and times', () => {
  const feed = parseFeedText(fixture('rates.rss'));
  assert.equal(feed.format, 'rss');
  assert.equal(feed.title, 'Rates Desk');
  assert.equal(feed.items.length, 4);
  const first = feed.items[0]!;
  assert.equal(first.key, 'rates-0001');
  assert.equal(first.title, 'Stocks rally as inflation cools and growth beats forecasts');
  assert.equal(first.link, 'https://news.example/rates/1');
  assert.equal(first.summary, 'Markets cheered the figures.');
  assert.equal(first.publishedTs, Date.UTC(2026, 11, 7, 9, 0, 0));
  // Without a guid the link is the item's key.
  assert.equal(feed.items[3]!.key, 'https://news.example/rates/3');
});

test('an Atom feed reads into entries keyed by id, with their alternate link', () => {
  const feed = parseFeedText(fixture('election.atom'));
  assert.equal(feed.format, 'atom');
  assert.equal(feed.title, 'Election Wire');
  assert.deepEqual(
    feed.items.map((i) => [i.key, i.link, i.publishedTs]),
    [
      ['urn:uuid:election-entry-1', 'https://wire.example/election/1', Date.UTC(2026, 11, 7, 10)],
      ['urn:uuid:election-entry-2', 'https://wire.example/election/2', Date.UTC(2026, 11, 7, 11)],
    ],
  );
  assert.equal(feed.items[1]!.title, 'Scandal and fraud charges hit the challenger & campaign');
  assert.equal(feed.items[1]!.summary, 'Prosecutors filed charges.');
});

test('links that are not http(s) are dropped, untitled items skipped, and a non-feed refused', () => {
  const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
    <item><title>Evil link</title><link>javascript:alert(1)</link><guid>g1</guid></item>
    <item><link>https://x.example/untitled</link></item></channel></rss>`;
  const feed = parseFeedText(rss);
  assert.equal(feed.items.length, 1);
  assert.equal(feed.items[0]!.link, null);
  assert.throws(() => parseFeedText('<html><body>not a feed</body></html>'));
  assert.throws(() => parseFeedText('plain text'));
});

test('known headlines score with the expected sign and label', () => {
  const cases: [string, 'positive' | 'negative' | 'neutral'][] = [
    ['Stocks rally as inflation cools and growth beats forecasts', 'positive'],
    ['Candidate wins debate in a landslide, hope returns to campaign', 'positive'],
    ['Record profits lift the market', 'positive'],
    ['Peace deal brings hope', 'positive'],
    ['Bank collapses; depositors panic as shares plunge', 'negative'],
    ['Scandal and fraud charges hit the challenger', 'negative'],
    ['Storm devastates coast, killing dozens', 'negative'],
    ['Company fails to meet targets', 'negative'],
    ['Not good news for the bank', 'negative'],
    ['Fed holds rates steady', 'neutral'],
  ];
  for (const [headline, label] of cases) {
    const s = scoreHeadline(headline);
    assert.equal(s.label, label, `${headline}: ${JSON.stringify(s)}`);
    if (label === 'positive') assert.ok(s.score > 0 && s.comparative > 0, headline);
    if (label === 'negative') assert.ok(s.score < 0 && s.comparative < 0, headline);
    if (label === 'neutral') assert.equal(s.score, 0, headline);
    assert.ok(Number.isInteger(s.score));
  }
});
