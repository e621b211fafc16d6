// Turns a fetched feed document (RSS 2.0, Atom, RDF/RSS 1.0 or JSON Feed) into the few fields a news
// item keeps, through feedsmith (decision 0721). Each item gets a key that identifies it across
// polls — its guid or id, else its link — so a story seen again is recognised and stored once.

import { parseFeed } from 'feedsmith';

/** One story as a feed carries it, reduced to what the news panel shows. */
export interface ParsedItem {
  /** The feed's own identity for the item (guid / id), else its link, else its title. */
  readonly key: string;
  readonly title: string;
  readonly link: string | null;
  readonly summary: string | null;
  /** When the feed says it was published (ms since the epoch), null when it does not say. */
  readonly publishedTs: number | null;
}

export interface ParsedFeed {
  readonly format: 'rss' | 'atom' | 'rdf' | 'json';
  readonly title: string | null;
  readonly items: ParsedItem[];
}

/** Longest title and summary kept (characters); feeds sometimes put whole articles in them. */
export const MAX_TITLE_CHARS = 500;
export const MAX_SUMMARY_CHARS = 2_000;

/** Throws an Error naming the problem when the text is not a feed this reader knows. */
export function parseFeedText(text: string): ParsedFeed {
  const parsed = parseFeed(text);
  switch (parsed.format) {
    case 'rss':
      return {
        format: 'rss',
        title: clean(parsed.feed.title, MAX_TITLE_CHARS),
        items: (parsed.feed.items ?? []).flatMap((i) =>
          item(i.title, i.guid?.value, i.link, i.description, i.pubDate ?? i.dc?.dates?.[0]),
        ),
      };
    case 'atom':
      return {
        format: 'atom',
        title: clean(parsed.feed.title?.value ?? parsed.feed.title, MAX_TITLE_CHARS),
        items: (parsed.feed.entries ?? []).flatMap((e) =>
          item(
            e.title?.value ?? e.title,
            e.id,
            atomLink(e.links),
            e.summary?.value ?? e.summary ?? e.content?.value ?? e.content,
            e.published ?? e.updated,
          ),
        ),
      };
    case 'rdf':
      return {
        format: 'rdf',
        title: clean(parsed.feed.title, MAX_TITLE_CHARS),
        items: (parsed.feed.items ?? []).flatMap((i) =>
          item(i.title, undefined, i.link, i.description, i.dc?.dates?.[0]),
        ),
      };
    case 'json':
      return {
        format: 'json',
        title: clean(parsed.feed.title, MAX_TITLE_CHARS),
        items: (parsed.feed.items ?? []).flatMap((i) =>
          item(i.title, i.id, i.url, i.summary ?? i.content_text, i.date_published),
        ),
      };
  }
}

/** An Atom entry's page: its `alternate` link (the default relation), else its first link. */
function atomLink(links: readonly { href?: string; rel?: string }[] | undefined): unknown {
  if (links === undefined) return undefined;
  const alternate = links.find((l) => l.rel === undefined || l.rel === 'alternate');
  return (alternate ?? links[0])?.href;
}

/** An item, or none when it has no title (a headline is what is shown and scored). */
function item(
  title: unknown,
  id: unknown,
  link: unknown,
  summary: unknown,
  published: unknown,
): ParsedItem[] {
  const t = clean(title, MAX_TITLE_CHARS);
  if (t === null) return [];
  const l = httpUrl(link);
  const key = clean(id, MAX_TITLE_CHARS) ?? l ?? t;
  return [
    {
      key,
      title: t,
      link: l,
      summary: clean(stripTags(summary), MAX_SUMMARY_CHARS),
      publishedTs: timeOf(published),
    },
  ];
}

/** Text with runs of white space made one space and trimmed; null when nothing is left. */
export function clean(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const t = value.replace(/\s+/g, ' ').trim();
  if (t === '') return null;
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** Summaries are often HTML: the panel shows text, so the tags go. */
function stripTags(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(/<[^>]*>/g, ' ') : value;
}

/** Only http(s) links are kept: anything else (javascript:, data:) would be unsafe to render. */
export function httpUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const u = new URL(value.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

function timeOf(value: unknown): number | null {
  if (typeof value !== 'string' && !(value instanceof Date)) return null;
  const ts = new Date(value).getTime();
  return Number.isFinite(ts) ? ts : null;
}
