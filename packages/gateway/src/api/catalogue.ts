// What the people trading a market need to know besides its prices: the titles of its series and event,
// its rules, where its result comes from, and when it is expected to settle, as admins wrote them (kept
// in the auth store, read with each market listing so every gateway of a cluster says the same).

import type { InstrumentSpec } from '@bourse/engine';
import type { MarketInfo } from '@bourse/protocol';
import type { AuthStore, MarketInfoRecord } from '../auth/auth-store.ts';

export interface Catalogue {
  readonly info: ReadonlyMap<string, MarketInfoRecord>;
  readonly titles: ReadonlyMap<string, string>;
}

export async function loadCatalogue(auth: AuthStore): Promise<Catalogue> {
  const [info, titles] = await Promise.all([auth.marketInfo(), auth.titles()]);
  return { info, titles };
}

export const NO_INFO: MarketInfoRecord = {
  rulesPrimary: '',
  rulesSecondary: '',
  resolutionSource: '',
  settlesAt: null,
};

/** A market's text: its own info and its series' and event's titles (null where none was set). */
export function marketInfo(spec: InstrumentSpec, c: Catalogue): MarketInfo {
  const own = c.info.get(spec.symbol) ?? NO_INFO;
  const binary = spec.kind === 'binary';
  return {
    seriesTitle: binary ? (c.titles.get(`series:${spec.seriesTicker}`) ?? null) : null,
    eventTitle: binary ? (c.titles.get(`event:${spec.eventTicker}`) ?? null) : null,
    ...own,
  };
}
