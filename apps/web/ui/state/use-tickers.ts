// Live tickers for a set of markets (the market list), merged into one map and re-rendered at most once
// per animation frame however many tickers move in between.

import { useEffect, useState } from 'react';
import { scheduleFrame } from '../api/frame-scheduler.ts';
import type { LiveSocket } from '../api/live-socket.ts';
import type { Ticker } from './market-feed.ts';

const MAX_WATCHED = 200;

export function useTickers(
  socket: LiveSocket,
  symbols: readonly string[],
): ReadonlyMap<string, Ticker> {
  const [tickers, setTickers] = useState<ReadonlyMap<string, Ticker>>(new Map());
  const key = symbols.slice(0, MAX_WATCHED).join(',');
  useEffect(() => {
    if (key === '') return;
    const watched = new Set(key.split(','));
    const latest = new Map<string, Ticker>();
    const publish = () => setTickers(new Map(latest));
    const off = socket.onMessage((m) => {
      if (m.channel !== 'ticker' || typeof m.market !== 'string' || !watched.has(m.market)) return;
      latest.set(m.market, m as unknown as Ticker);
      scheduleFrame(publish);
    });
    const releases = [...watched].map((s) => socket.subscribe('ticker', s));
    return () => {
      off();
      for (const r of releases) r();
    };
  }, [socket, key]);
  return tickers;
}
