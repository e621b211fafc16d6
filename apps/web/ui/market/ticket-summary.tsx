// What the order ticket's order would do, before it is sent: the part that closes contracts held and
// the part that opens new ones (a sell of contracts not held says plainly that it opens the other
// side), the most the fee can be, the total, the money available, and for a buy the payout and profit
// if it wins. Shown only for an order that can exist: the problems come first.

import type { MarketInfo } from '../api/types.ts';
import { feeLabel } from '../format/fees.ts';
import { assetAmount, price, qty, usd } from '../format/units.ts';
import type { TicketAccount } from './ticket-check.ts';
import type { Leg } from './ticket-math.ts';
import type { Assessment, TicketFields } from './ticket-order.ts';

function legLabel(m: MarketInfo, leg: Leg): string {
  const verb = leg.kind === 'close' ? 'Sells' : 'Opens';
  return `${verb} ${qty(m, leg.lots)} ${leg.outcome?.toUpperCase() ?? ''} at ${price(m, leg.priceTicks)}`;
}

function Available({ m, t, account }: { m: MarketInfo; t: TicketFields; account: TicketAccount }) {
  if (m.kind === 'spot' && t.action === 'sell') {
    const { availableBase: have, base } = account;
    return have === undefined || base === undefined ? null : (
      <>
        <dt>Available</dt>
        <dd>{assetAmount(have, base.scale, base.code)}</dd>
      </>
    );
  }
  return account.available === undefined ? null : (
    <>
      <dt>Available</dt>
      <dd>{usd(account.available)}</dd>
    </>
  );
}

export function TicketSummary(props: {
  m: MarketInfo;
  t: TicketFields;
  a: Assessment;
  account: TicketAccount;
}) {
  const { m, t, a, account } = props;
  const pv = a.preview;
  const legs = pv?.legs ?? [];
  const binary = m.kind === 'binary';
  // A plain buy reads as its cost; anything that sells or closes shows each part.
  const plain = legs.length === 1 && (!binary || (t.action === 'buy' && legs[0]!.kind === 'open'));
  const net = pv === undefined ? 0 : pv.proceeds - pv.cost;
  const opensOnly = binary && t.action === 'sell' && legs.every((l) => l.kind === 'open');
  return (
    <>
      {opensOnly && pv !== undefined && (
        <p className="note small">
          You hold no {t.outcome.toUpperCase()} contracts: this sell opens a{' '}
          {t.outcome === 'yes' ? 'NO' : 'YES'} position.
        </p>
      )}
      <dl className="summary" data-testid="ticket-summary">
        {t.sizeIn === 'dollars' && t.action === 'buy' && (
          <>
            <dt>{binary ? 'Contracts' : 'Lots'}</dt>
            <dd>{a.lots === undefined ? '—' : qty(m, a.lots)}</dd>
          </>
        )}
        {plain || pv === undefined ? (
          <>
            <dt>{t.action === 'buy' ? 'Cost' : 'Proceeds'}</dt>
            <dd>{legs[0] === undefined ? '—' : usd(legs[0].amount)}</dd>
          </>
        ) : (
          legs.map((leg) => <LegRow key={leg.kind} label={legLabel(m, leg)} amount={leg.amount} />)
        )}
        <dt title={feeLabel(m)}>Fee (max)</dt>
        <dd>{pv === undefined ? '—' : usd(pv.fee)}</dd>
        <dt>{net > 0 ? 'Net proceeds' : 'Total'}</dt>
        <dd>{pv === undefined ? '—' : usd(Math.abs(net))}</dd>
        <Available m={m} t={t} account={account} />
        {binary && plain && pv?.maxPayout !== undefined && (
          <>
            <dt>Max payout</dt>
            <dd>{usd(pv.maxPayout)}</dd>
            <dt>Profit if {t.outcome.toUpperCase()}</dt>
            <dd className={pv.maxPayout - pv.cost >= 0 ? 'pos' : 'neg'}>
              {usd(pv.maxPayout - pv.cost)}
            </dd>
          </>
        )}
      </dl>
      {pv?.note && <p className="muted small">{pv.note}</p>}
    </>
  );
}

function LegRow({ label, amount }: { label: string; amount: number }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{usd(amount)}</dd>
    </>
  );
}
