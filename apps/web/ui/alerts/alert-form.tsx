// The new-alert form: what to watch (kind, market and the kind's fields) and how to be told.

import { type FormEvent, useState } from 'react';
import { errorText } from '../api/http.ts';
import type { MarketInfo } from '../api/types.ts';
import { qtyUnit } from '../format/units.ts';
import { createAlert } from '../state/alerts.ts';
import {
  type AlertFields,
  type AlertKind,
  alertBody,
  type Channel,
  DIRECTIONS,
  KIND_LABELS,
} from './alert-body.ts';

const CHANNEL_LABELS: Readonly<Record<Channel, string>> = {
  inApp: 'In the app',
  push: 'Push',
  email: 'E-mail',
  webhook: 'Webhook',
};

const EMPTY = { price: '', percent: '', seconds: '', quantity: '', orderId: '', minutes: '' };

export function AlertForm(props: {
  markets: readonly MarketInfo[];
  offered: readonly Channel[];
  onCreated: () => void;
}) {
  const [kind, setKind] = useState<AlertKind>('priceCross');
  const [symbol, setSymbol] = useState('');
  const [direction, setDirection] = useState('above');
  const [text, setText] = useState(EMPTY);
  const [channels, setChannels] = useState<readonly Channel[]>(['inApp']);
  const [error, setError] = useState<string | undefined>();
  const market =
    kind === 'orderFilled' && symbol === ''
      ? undefined
      : (props.markets.find((m) => m.market === symbol) ?? props.markets[0]);
  const fields: AlertFields = { kind, market, direction, channels, ...text };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const built = alertBody(fields);
    if ('error' in built) return setError(built.error);
    try {
      await createAlert(built.body);
      setText(EMPTY);
      setError(undefined);
      props.onCreated();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const chooseKind = (k: AlertKind) => {
    setKind(k);
    setDirection(DIRECTIONS[k][0]?.[0] ?? '');
  };
  return (
    <form className="card row wrap" onSubmit={submit} aria-label="New alert">
      <label>
        Alert when
        <select name="kind" value={kind} onChange={(e) => chooseKind(e.target.value as AlertKind)}>
          {Object.entries(KIND_LABELS).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Market
        <select
          name="market"
          value={market?.market ?? ''}
          onChange={(e) => setSymbol(e.target.value)}
        >
          {kind === 'orderFilled' && <option value="">Any market</option>}
          {props.markets.map((m) => (
            <option key={m.market} value={m.market}>
              {m.market}
            </option>
          ))}
        </select>
      </label>
      <KindFields
        kind={kind}
        market={market}
        direction={direction}
        onDirection={setDirection}
        text={text}
        onText={setText}
      />
      <ChannelChoice offered={props.offered} chosen={channels} onChange={setChannels} />
      <button type="submit" className="primary">
        Add alert
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** The fields of the chosen kind: its direction, and the level, move, window or lead it needs. */
function KindFields(props: {
  kind: AlertKind;
  market: MarketInfo | undefined;
  direction: string;
  onDirection: (d: string) => void;
  text: typeof EMPTY;
  onText: (t: typeof EMPTY) => void;
}) {
  const { kind, market, text } = props;
  const input = (name: keyof typeof EMPTY, label: string) => (
    <label>
      {label}
      <input
        name={`alert-${name}`}
        inputMode="decimal"
        value={text[name]}
        onChange={(e) => props.onText({ ...text, [name]: e.target.value })}
      />
    </label>
  );
  const unit = market?.kind === 'binary' ? '¢' : '$';
  return (
    <>
      {DIRECTIONS[kind].length > 0 && (
        <label>
          Direction
          <select
            name="direction"
            value={props.direction}
            onChange={(e) => props.onDirection(e.target.value)}
          >
            {DIRECTIONS[kind].map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        </label>
      )}
      {kind === 'priceCross' && input('price', `Price (${unit})`)}
      {kind === 'spread' && input('price', `Spread (${unit})`)}
      {kind === 'priceMove' && input('percent', 'Move (%)')}
      {kind === 'volume' && input('quantity', `Volume (${market ? qtyUnit(market) : 'lots'})`)}
      {(kind === 'priceMove' || kind === 'volume') && input('seconds', 'Within (seconds)')}
      {kind === 'orderFilled' && input('orderId', 'Order number (empty: any fill)')}
      {kind === 'marketClosing' && input('minutes', 'Minutes before the close')}
    </>
  );
}

function ChannelChoice(props: {
  offered: readonly Channel[];
  chosen: readonly Channel[];
  onChange: (c: readonly Channel[]) => void;
}) {
  return (
    <fieldset className="row wrap">
      <legend>Tell me by</legend>
      {props.offered.map((c) => (
        <label key={c}>
          <input
            type="checkbox"
            name={`channel-${c}`}
            checked={props.chosen.includes(c)}
            onChange={(e) =>
              props.onChange(
                e.target.checked ? [...props.chosen, c] : props.chosen.filter((x) => x !== c),
              )
            }
          />
          {CHANNEL_LABELS[c]}
        </label>
      ))}
    </fieldset>
  );
}
