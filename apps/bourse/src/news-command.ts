// `bourse news feed add|list|remove` and `bourse news post`: the news feeds of series, events and
// markets from the command line, on a STOPPED data directory (against a running server use the admin
// API). They run the admin API's code paths, so a feed is checked and noted in the audit trail alike.

import { parseArgs } from 'node:util';
import { addNewsFeed, postNewsItem, removeNewsFeed } from '@bourse/gateway';
import type { Scope } from '@bourse/news';
import { UsageError, withExchange } from './admin-commands.ts';
import { NEWS_HELP } from './help-texts.ts';

const FLAGS = {
  'data-dir': { type: 'string', default: './data' },
  help: { type: 'boolean', short: 'h' },
  url: { type: 'string' },
  scope: { type: 'string' },
  id: { type: 'string' },
  title: { type: 'string' },
  link: { type: 'string' },
} as const;

export async function newsCommand(argv: string[]): Promise<void> {
  const [what, ...rest] = argv;
  const sub = what === 'feed' ? rest.shift() : what;
  const { values } = parseArgs({ args: rest, options: FLAGS });
  if (values.help || sub === undefined || sub.startsWith('-')) {
    return void process.stdout.write(NEWS_HELP);
  }
  await withExchange(values['data-dir'], async (s) => {
    const news = s.news!;
    if (what === 'feed' && sub === 'add') {
      const url = values.url ?? '';
      if (!/^https?:\/\/./.test(url)) throw new UsageError('--url must be an http(s) feed address');
      const feed = await addNewsFeed(s, url, scopeOf(values.scope), 'operator');
      process.stdout.write(
        `feed ${feed.feedId} added: ${feed.url} (${feed.scope.kind} ${feed.scope.ticker})\n`,
      );
    } else if (what === 'feed' && sub === 'list') {
      for (const f of await news.feeds()) {
        const state = f.lastError === null ? 'ok' : `failing (${f.failures}): ${f.lastError}`;
        process.stdout.write(
          `${f.feedId}\t${f.scope.kind}:${f.scope.ticker}\t${f.url}\t${state}\n`,
        );
      }
    } else if (what === 'feed' && sub === 'remove') {
      const id = Number(values.id);
      if (!Number.isSafeInteger(id) || id < 1) throw new UsageError('--id must be a feed number');
      if (!(await removeNewsFeed(s, id))) throw new UsageError(`no feed ${id}`);
      process.stdout.write(`feed ${id} removed\n`);
    } else if (what === 'post') {
      const title = values.title ?? '';
      if (title.trim() === '') throw new UsageError('missing --title');
      const link = values.link;
      const item = await postNewsItem(
        s,
        { scope: scopeOf(values.scope), title, ...(link === undefined ? {} : { link }) },
        'operator',
      );
      process.stdout.write(
        item === undefined
          ? 'already stored\n'
          : `item ${item.itemId} stored, sentiment ${item.sentiment.label} (${item.sentiment.score})\n`,
      );
    } else throw new UsageError(`unknown news command ${[what, sub].join(' ')}`);
  });
}

/** `--scope market:TICKER`, `event:TICKER` or `series:TICKER`. */
function scopeOf(raw: string | undefined): Scope {
  const m = /^(series|event|market):(.{1,64})$/.exec(raw ?? '');
  if (m === null)
    throw new UsageError('--scope must be series:<ticker>, event:<ticker> or market:<symbol>');
  return { kind: m[1] as Scope['kind'], ticker: m[2]! };
}
