// Wash trading: a fill whose two sides belong to one beneficial owner (the same account, the same
// user's accounts, or accounts an admin linked as one owner). One owner's wash fills in one market
// within `washEpisodeMs` of each other form one alert.

import type { Alert, FillEvidence } from './alerts.ts';
import type { Thresholds } from './thresholds.ts';

interface Episode {
  alert: Alert;
}

export class WashDetector {
  readonly #episodes = new Map<string, Episode>();

  fill(f: FillEvidence, owner: (accountId: number) => string, t: Thresholds): Alert | undefined {
    if (f.qtyLots < t.washMinLots) return undefined;
    const o = owner(f.takerAccountId);
    if (o !== owner(f.makerAccountId)) return undefined;
    const key = `${o}:${f.instrumentId}`;
    const prev = this.#episodes.get(key);
    const accounts = [...new Set([f.takerAccountId, f.makerAccountId])].sort((a, b) => a - b);
    if (prev !== undefined && f.ts - prev.alert.lastTs <= t.washEpisodeMs) {
      const fills = [...prev.alert.fills, f];
      const ids = [...new Set([...prev.alert.accountIds, ...accounts])].sort((a, b) => a - b);
      prev.alert = episodeAlert(prev.alert, fills, ids, f);
      return prev.alert;
    }
    const alert = episodeAlert(undefined, [f], accounts, f);
    this.#episodes.set(key, { alert });
    return alert;
  }

  /** Forgets episodes that can no longer grow. */
  prune(ts: number, t: Thresholds): void {
    for (const [k, e] of this.#episodes) {
      if (ts - e.alert.lastTs > t.washEpisodeMs) this.#episodes.delete(k);
    }
  }
}

function episodeAlert(
  prev: Alert | undefined,
  fills: FillEvidence[],
  accountIds: number[],
  f: FillEvidence,
): Alert {
  const lots = fills.reduce((s, x) => s + x.qtyLots, 0);
  const who =
    accountIds.length === 1
      ? `account ${accountIds[0]} traded with itself`
      : `accounts ${accountIds.join(', ')} (one beneficial owner) traded with each other`;
  return {
    alertId: prev?.alertId ?? `wash:${f.instrumentId}:${f.tradeId}`,
    kind: 'wash',
    instrumentId: f.instrumentId,
    accountIds,
    firstSeq: prev?.firstSeq ?? f.seq,
    firstTs: prev?.firstTs ?? f.ts,
    lastSeq: f.seq,
    lastTs: f.ts,
    summary: `${who}: ${fills.length} fill${fills.length === 1 ? '' : 's'}, ${lots} lots`,
    orders: [],
    fills,
    measures: { fills: fills.length, lots },
  };
}
