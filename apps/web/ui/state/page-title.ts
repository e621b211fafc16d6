// The browser tab's title names the page (and a market page its market), so tabs, history and screen
// readers tell pages apart: "Portfolio · Bourse", "Will it rain in New York City tomorrow? · Bourse".

import { useEffect } from 'react';
import type { MarketInfo } from '../api/types.ts';

const PAGES: Readonly<Record<string, string>> = {
  '/': 'Markets',
  '/markets': 'Markets',
  '/login': 'Log in',
  '/portfolio': 'Portfolio',
  '/alerts': 'Alerts',
  '/account': 'Account',
  '/admin': 'Administration',
  '/ops': 'Operations',
};

/** The page's name for a path; a market's title (or symbol) for a market page. */
export function pageName(
  path: string,
  marketBySymbol: (symbol: string) => MarketInfo | undefined,
): string {
  if (path.startsWith('/markets/')) {
    const symbol = decodeURIComponent(path.slice('/markets/'.length));
    const m = marketBySymbol(symbol);
    return m?.spec.title ?? m?.market ?? symbol;
  }
  if (path.startsWith('/events/'))
    return `Event ${decodeURIComponent(path.slice('/events/'.length))}`;
  return PAGES[path] ?? 'Not found';
}

export function usePageTitle(name: string): void {
  useEffect(() => {
    document.title = `${name} · Bourse`;
  }, [name]);
}
