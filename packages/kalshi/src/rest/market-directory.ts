// Kalshi's series → event → market hierarchy read off the engine's binary instruments (each carries its
// series and event ticker), plus the lifecycle times Kalshi reports. The engine keeps no wall-clock
// times for markets, so the directory records them from the event stream as they happen; a market
// that existed before this process started reports the process start for times it did not witness.

import type { BinarySpec, EngineEvent, InstrumentView } from '@bourse/engine';

export interface MarketTimes {
  readonly createdMs: number;
  openMs: number | undefined;
  closeMs: number | undefined;
  settledMs: number | undefined;
  updatedMs: number;
}

export class MarketDirectory {
  readonly #times = new Map<number, MarketTimes>();
  readonly #startMs: number;

  constructor(startMs: number) {
    this.#startMs = startMs;
  }

  /** Folds one applied command's lifecycle events in. */
  apply(events: readonly EngineEvent[], ts: number): void {
    for (const e of events) {
      if (e.type === 'instrumentCreated') this.#ensure(e.spec.instrumentId, ts);
      else if (e.type === 'marketStatusChanged') {
        const t = this.#ensure(e.instrumentId, ts);
        t.updatedMs = ts;
        if (e.status === 'open' && t.openMs === undefined) t.openMs = ts;
        if (e.status === 'closed') t.closeMs = ts;
      } else if (e.type === 'marketSettled') {
        const t = this.#ensure(e.instrumentId, ts);
        t.settledMs = ts;
        t.updatedMs = ts;
      }
    }
  }

  times(instrumentId: number): MarketTimes {
    return this.#times.get(instrumentId) ?? this.#ensure(instrumentId, this.#startMs);
  }

  #ensure(instrumentId: number, ts: number): MarketTimes {
    let t = this.#times.get(instrumentId);
    if (t === undefined) {
      t = {
        createdMs: ts,
        openMs: undefined,
        closeMs: undefined,
        settledMs: undefined,
        updatedMs: ts,
      };
      this.#times.set(instrumentId, t);
    }
    return t;
  }
}

export type BinaryView = InstrumentView & { readonly spec: BinarySpec };

export function isBinary(v: InstrumentView): v is BinaryView {
  return v.spec.kind === 'binary';
}

/** Markets grouped by event, events by series, each in ticker order. */
export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    let list = out.get(k);
    if (list === undefined) out.set(k, (list = []));
    list.push(t);
  }
  return new Map([...out].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}
