// What a market is, as its admins wrote it: the rules text, where the result comes from, when trading
// closes and when the market is expected to settle, in the browser's local time.

import type { MarketInfo } from '../api/types.ts';
import { localDateTime } from '../format/schedule.ts';

export function MarketTerms({ m }: { m: MarketInfo }) {
  const info = m.info;
  const closes = m.closesAt;
  const settles = info?.settlesAt ?? null;
  if (info === undefined) return null;
  const written =
    info.rulesPrimary !== '' || info.rulesSecondary !== '' || info.resolutionSource !== '';
  return (
    <div className="terms" data-testid="market-terms">
      {info.rulesPrimary !== '' && <p className="rules-text">{info.rulesPrimary}</p>}
      {info.rulesSecondary !== '' && <p className="rules-text small">{info.rulesSecondary}</p>}
      {!written && <p className="muted small">No rules text has been published for this market.</p>}
      <dl className="kv">
        <dt>Resolution source</dt>
        <dd>{info.resolutionSource === '' ? 'Not named' : info.resolutionSource}</dd>
        <dt>Trading closes</dt>
        <dd>{closes === null ? 'Not scheduled' : <When at={closes} />}</dd>
        <dt>Settles</dt>
        <dd>{settles === null ? 'Not announced' : <When at={settles} />}</dd>
      </dl>
    </div>
  );
}

function When({ at }: { at: number }) {
  return <time dateTime={new Date(at).toISOString()}>{localDateTime(at)}</time>;
}
