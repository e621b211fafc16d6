// Creating instruments: an event contract (series → event → market, on a cent grid with Kalshi-style or
// no fees) or a spot pair between two assets; optionally opened straight away. New assets too.

import { type FormEvent, useState } from 'react';
import { CENTS_BINARY_GRID } from '@bourse/engine/rules';
import { NAME_CHARACTERS, NAME_MAX_LENGTH } from '@bourse/protocol/names';
import { api, errorText } from '../api/http.ts';
import { parseDecimal } from '../format/units.ts';
import { useApp } from '../state/app-state.tsx';

const NO_LIMITS = {
  maxOrderQtyLots: 0,
  maxOrderNotional: 0,
  maxPositionLots: 0,
  priceBandTicks: 0,
};

export function CreateMarketForm() {
  const { assets, toast, refreshMarkets } = useApp();
  const [kind, setKind] = useState<'binary' | 'spot'>('binary');
  const [f, setF] = useState({
    series: '',
    event: '',
    symbol: '',
    title: '',
    fees: 'kalshi',
    base: '',
    quote: 'USD',
    tickCents: '1',
    baseUnitsPerLot: '100',
    open: true,
  });
  const [error, setError] = useState<string | undefined>();
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) =>
    setF((x) => ({ ...x, [k]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const usd = assets.find((a) => a.code === 'USD');
    let body: Record<string, unknown>;
    if (kind === 'binary') {
      if (usd === undefined) return setError('Create the USD asset first.');
      body = {
        kind,
        symbol: f.symbol,
        seriesTicker: f.series,
        eventTicker: f.event,
        title: f.title,
        settlementAssetId: usd.assetId,
        ...CENTS_BINARY_GRID,
        fees:
          f.fees === 'kalshi'
            ? { kind: 'kalshi', makerRatePpm: 0, takerRatePpm: 70_000, roundingUnit: 10_000 }
            : { kind: 'none' },
        limits: NO_LIMITS,
      };
    } else {
      const base = assets.find((a) => a.code === f.base);
      const quote = assets.find((a) => a.code === f.quote);
      const tick = parseDecimal(f.tickCents, 2);
      const bul = parseDecimal(f.baseUnitsPerLot, 0);
      if (base === undefined || quote === undefined)
        return setError('Pick existing base and quote assets.');
      if (tick === undefined || tick === 0 || bul === undefined || bul === 0)
        return setError('Tick (cents) and base units per lot must be positive.');
      // One tick = the chosen number of cents per lot, in the quote asset's minor units.
      const moneyPerTickLot = (quote.scale / 10_000) * tick;
      if (!Number.isSafeInteger(moneyPerTickLot))
        return setError('That tick does not fit the quote asset.');
      body = {
        kind,
        symbol: f.symbol,
        baseAssetId: base.assetId,
        quoteAssetId: quote.assetId,
        baseUnitsPerLot: bul,
        tickSize: 1,
        minPriceTicks: 1,
        maxPriceTicks: 100_000_000,
        lotSize: 1,
        moneyPerTickLot,
        fees: f.fees === 'kalshi' ? { kind: 'bps', makerBps: 0, takerBps: 5 } : { kind: 'none' },
        limits: NO_LIMITS,
      };
    }
    try {
      await api('POST', '/api/v1/admin/markets', body);
      if (f.open) {
        await api('POST', `/api/v1/admin/markets/${encodeURIComponent(f.symbol)}/status`, {
          status: 'open',
        });
      }
      toast('success', `Created ${f.symbol}`);
      setF((x) => ({ ...x, symbol: '', title: '' }));
      await refreshMarkets();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Create market">
      <h2>Create market</h2>
      <fieldset className="seg" aria-label="Kind">
        <button type="button" aria-pressed={kind === 'binary'} onClick={() => setKind('binary')}>
          Event contract
        </button>
        <button type="button" aria-pressed={kind === 'spot'} onClick={() => setKind('spot')}>
          Spot
        </button>
      </fieldset>
      <div className="grid-form">
        {kind === 'binary' && (
          <>
            <label>
              Series ticker
              <input
                name="series"
                value={f.series}
                onChange={set('series')}
                required
                placeholder="HIGHNY"
              />
            </label>
            <label>
              Event ticker
              <input
                name="event"
                value={f.event}
                onChange={set('event')}
                required
                placeholder="HIGHNY-26NOV24"
              />
            </label>
            <label className="span2">
              Question
              <input
                name="title"
                value={f.title}
                onChange={set('title')}
                required
                placeholder="Will …?"
              />
            </label>
          </>
        )}
        {kind === 'spot' && (
          <>
            <label>
              Base asset
              <select name="base" value={f.base} onChange={set('base')} required>
                <option value="">Choose…</option>
                {assets.map((a) => (
                  <option key={a.assetId}>{a.code}</option>
                ))}
              </select>
            </label>
            <label>
              Quote asset
              <select name="quote" value={f.quote} onChange={set('quote')}>
                {assets.map((a) => (
                  <option key={a.assetId}>{a.code}</option>
                ))}
              </select>
            </label>
            <label>
              Tick (cents per lot)
              <input value={f.tickCents} onChange={set('tickCents')} inputMode="decimal" />
            </label>
            <label>
              Base units per lot
              <input
                value={f.baseUnitsPerLot}
                onChange={set('baseUnitsPerLot')}
                inputMode="numeric"
              />
            </label>
          </>
        )}
        <label>
          Symbol
          <input
            name="symbol"
            value={f.symbol}
            onChange={set('symbol')}
            required
            pattern={`${NAME_CHARACTERS}+`}
            maxLength={NAME_MAX_LENGTH}
          />
        </label>
        <label>
          Fees
          <select value={f.fees} onChange={set('fees')}>
            <option value="kalshi">
              {kind === 'binary' ? 'Kalshi-style 7% taker' : '5 bps taker'}
            </option>
            <option value="none">None</option>
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={f.open}
            onChange={(e) => setF((x) => ({ ...x, open: e.target.checked }))}
          />
          Open for trading now
        </label>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary">
        Create
      </button>
    </form>
  );
}

export function CreateAssetForm() {
  const { toast, refreshMarkets } = useApp();
  const [code, setCode] = useState('');
  const [decimals, setDecimals] = useState('2');
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const d = parseDecimal(decimals, 0);
    if (d === undefined || d > 9) return setError('Decimals must be 0–9.');
    try {
      await api('POST', '/api/v1/admin/assets', { code: code.toUpperCase(), scale: 10 ** d });
      toast('success', `Asset ${code.toUpperCase()} created`);
      setCode('');
      setError(undefined);
      await refreshMarkets();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Create asset">
      <h2>Create asset</h2>
      <div className="row wrap">
        <label>
          Code
          <input
            value={code}
            onChange={(e) => setCode(e.target.value)}
            required
            pattern="[A-Za-z0-9]+"
          />
        </label>
        <label>
          Decimals
          <input
            value={decimals}
            onChange={(e) => setDecimals(e.target.value)}
            inputMode="numeric"
            size={3}
          />
        </label>
        <button type="submit">Create asset</button>
      </div>
      {error && <p className="error">{error}</p>}
    </form>
  );
}
