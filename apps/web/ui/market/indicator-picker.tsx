// The price chart's indicator picker: the indicators on the chart (each removable) and a form to add
// one from the catalogue with its parameters, each bounded as the catalogue says; a value out of
// bounds is refused with the field and the rule instead of drawing nonsense.

import { useState } from 'react';
import { CATALOGUE, checkParams, defaults, findIndicator } from './indicator-catalogue.ts';
import { type Chosen, chosenLabel } from './indicator-selection.ts';

const GROUPS = [
  ['overlay', 'Over the candles'],
  ['own', 'In a pane of their own'],
] as const;

export function IndicatorPicker({
  chosen,
  onChange,
}: {
  chosen: readonly Chosen[];
  onChange: (next: readonly Chosen[]) => void;
}) {
  const [id, setId] = useState('sma');
  const spec = findIndicator(id)!;
  const [values, setValues] = useState<Record<string, string>>(() => asText(defaults(spec)));
  const [error, setError] = useState<string | undefined>();
  const pick = (next: string) => {
    setId(next);
    setValues(asText(defaults(findIndicator(next)!)));
    setError(undefined);
  };
  const add = () => {
    const given = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, v.trim() === '' ? Number.NaN : Number(v)]),
    );
    const checked = checkParams(spec, given);
    if (!checked.ok) {
      const label = spec.params.find((p) => p.key === checked.field)?.label ?? checked.field;
      return setError(`${label} must be ${checked.rule}.`);
    }
    setError(undefined);
    onChange([...chosen, { id, params: checked.params }]);
  };
  return (
    <fieldset className="indicator-picker small" aria-label="Indicators">
      <ChosenList chosen={chosen} onChange={onChange} />
      <label>
        Indicator{' '}
        <select aria-label="Indicator" value={id} onChange={(e) => pick(e.target.value)}>
          {GROUPS.map(([pane, title]) => (
            <optgroup key={pane} label={title}>
              {CATALOGUE.filter((s) => s.pane === pane).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      {spec.params.map((p) => (
        <label key={`${id}.${p.key}`}>
          {p.label}{' '}
          <input
            type="number"
            aria-label={p.label}
            className="indicator-param"
            min={p.min}
            max={p.max}
            step={p.step}
            value={values[p.key] ?? ''}
            onChange={(e) => setValues((v) => ({ ...v, [p.key]: e.target.value }))}
          />
        </label>
      ))}
      <button type="button" onClick={add}>
        Add
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function ChosenList({
  chosen,
  onChange,
}: {
  chosen: readonly Chosen[];
  onChange: (next: readonly Chosen[]) => void;
}) {
  return (
    <ul aria-label="Indicators on the chart">
      {chosen.map((c, i) => (
        // Index keys: the same indicator may be on twice with other parameters.
        <li key={i}>
          {chosenLabel(c)}{' '}
          <button
            type="button"
            aria-label={`Remove ${chosenLabel(c)}`}
            onClick={() => onChange(chosen.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}

const asText = (p: Readonly<Record<string, number>>) =>
  Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)]));
