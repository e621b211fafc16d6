// What traders read about a market, written by an admin: the series' and the event's titles (which head
// the markets list), the rules text, the resolution source and when the market is expected to settle.
// The form starts from what is published now; empty titles are left as they are.

import { type FormEvent, useEffect, useState } from 'react';
import { api, errorText } from '../api/http.ts';
import type { MarketInfo } from '../api/types.ts';
import { fromDateTimeLocal, toDateTimeLocal } from '../format/schedule.ts';
import { useApp } from '../state/app-state.tsx';

interface Fields {
  seriesTitle: string;
  eventTitle: string;
  rulesPrimary: string;
  rulesSecondary: string;
  resolutionSource: string;
  settles: string;
}

function fieldsOf(m: MarketInfo | undefined): Fields {
  const i = m?.info;
  return {
    seriesTitle: i?.seriesTitle ?? '',
    eventTitle: i?.eventTitle ?? '',
    rulesPrimary: i?.rulesPrimary ?? '',
    rulesSecondary: i?.rulesSecondary ?? '',
    resolutionSource: i?.resolutionSource ?? '',
    settles: i?.settlesAt == null ? '' : toDateTimeLocal(i.settlesAt),
  };
}

export function MarketInfoEditor() {
  const { markets, refreshMarkets, toast } = useApp();
  const binary = markets.filter((m) => m.kind === 'binary');
  const [symbol, setSymbol] = useState('');
  const m = binary.find((x) => x.market === symbol) ?? binary[0];
  const [f, setF] = useState<Fields>(() => fieldsOf(m));
  const [error, setError] = useState<string | undefined>();
  // A different market chosen: its published text fills the form.
  useEffect(() => setF(fieldsOf(m)), [m?.market]);
  if (m === undefined) return null;
  const set = (k: keyof Fields) => (e: { target: { value: string } }) =>
    setF({ ...f, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const settlesAt = f.settles === '' ? null : fromDateTimeLocal(f.settles);
    if (settlesAt === undefined) return setError('Enter the settlement time as a date and time.');
    try {
      const enc = encodeURIComponent;
      if (f.seriesTitle !== '' && m.spec.seriesTicker !== undefined) {
        await api('PUT', `/api/v1/admin/series/${enc(m.spec.seriesTicker)}/title`, {
          title: f.seriesTitle,
        });
      }
      if (f.eventTitle !== '' && m.spec.eventTicker !== undefined) {
        await api('PUT', `/api/v1/admin/events/${enc(m.spec.eventTicker)}/title`, {
          title: f.eventTitle,
        });
      }
      await api('PUT', `/api/v1/admin/markets/${enc(m.market)}/info`, {
        rulesPrimary: f.rulesPrimary,
        rulesSecondary: f.rulesSecondary,
        resolutionSource: f.resolutionSource,
        settlesAt,
      });
      setError(undefined);
      await refreshMarkets();
      toast('info', `Published the description of ${m.market}`);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Describe market">
      <h2>Describe a market</h2>
      <InfoFields m={m} f={f} set={set} binary={binary} onPick={setSymbol} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary">
        Publish
      </button>
    </form>
  );
}

/** The form's fields: which market, its titles, rules, resolution source and settlement time. */
function InfoFields(props: {
  m: MarketInfo;
  f: Fields;
  set: (k: keyof Fields) => (e: { target: { value: string } }) => void;
  binary: readonly MarketInfo[];
  onPick: (symbol: string) => void;
}) {
  const { m, f, set, binary, onPick } = props;
  return (
    <div className="grid-form">
      <label className="span2">
        Market
        <select name="market" value={m.market} onChange={(e) => onPick(e.target.value)}>
          {binary.map((x) => (
            <option key={x.market} value={x.market}>
              {x.market}
            </option>
          ))}
        </select>
      </label>
      <label>
        Series title ({m.spec.seriesTicker})
        <input name="seriesTitle" value={f.seriesTitle} onChange={set('seriesTitle')} />
      </label>
      <label>
        Event title ({m.spec.eventTicker})
        <input name="eventTitle" value={f.eventTitle} onChange={set('eventTitle')} />
      </label>
      <label className="span2">
        Rules
        <textarea name="rulesPrimary" value={f.rulesPrimary} onChange={set('rulesPrimary')} />
      </label>
      <label className="span2">
        Further rules
        <textarea name="rulesSecondary" value={f.rulesSecondary} onChange={set('rulesSecondary')} />
      </label>
      <label>
        Resolution source
        <input
          name="resolutionSource"
          value={f.resolutionSource}
          onChange={set('resolutionSource')}
        />
      </label>
      <label>
        Settles
        <input
          type="datetime-local"
          name="settles"
          step={1}
          value={f.settles}
          onChange={set('settles')}
        />
      </label>
    </div>
  );
}
