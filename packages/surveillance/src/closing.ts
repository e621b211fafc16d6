// The two detectors that look back from the end of trading: marking the close (an account's own
// orders swept the book in the last minutes and the close ended far from where the window began) and
// pre-settlement buying (an account bought heavily, net, on the side that then won). Both run once per
// market end: when it closes, or when it settles if it settles while still trading.

import type { Alert, FillEvidence } from './alerts.ts';
import type { MarketTape } from './market-tape.ts';
import type { Thresholds } from './thresholds.ts';
import type { TradeWindow } from './trade-window.ts';

/**
 * Marking the close over the trades of `[endTs − markWindowMs, endTs]`: an account whose taker orders
 * in one direction swept at least `markMinSweepSteps` through the book, with the close at least
 * `markMinMoveSteps` that way from the last price before its first such trade.
 */
export function markingAlert(
  tape: MarketTape,
  endSeq: number,
  endTs: number,
  t: Thresholds,
): Alert | undefined {
  const w = tape.trades;
  const window: number[] = [];
  w.scan(endTs - t.markWindowMs, endTs, (row) => window.push(row));
  if (window.length === 0) return undefined;
  const close = w.priceTicks(window.at(-1)!);
  const flagged = new Map<number, { side: 'buy' | 'sell'; swept: number; move: number }>();
  for (const side of ['buy', 'sell'] as const) {
    for (const [acct, cmds] of takerCommands(w, window, side)) {
      const swept = cmds.reduce(
        (s, c) => s + Math.abs(tape.steps(w.priceTicks(c[0]!), w.priceTicks(c.at(-1)!))),
        0,
      );
      const sign = side === 'buy' ? 1 : -1;
      const move = Math.max(
        ...cmds.map((c) => sign * tape.steps(w.prevLastTicks(c[0]!) ?? w.priceTicks(c[0]!), close)),
      );
      if (swept >= t.markMinSweepSteps && move >= t.markMinMoveSteps) {
        flagged.set(acct, { side, swept, move });
      }
    }
  }
  if (flagged.size === 0) return undefined;
  const accountIds = [...flagged.keys()].sort((a, b) => a - b);
  const fills = window
    .filter((row) => flagged.get(w.takerAccountId(row))?.side === w.takerSide(row))
    .map((row) => w.fill(row, tape.instrumentId));
  const top = [...flagged.values()].sort((a, b) => b.move - a.move)[0]!;
  return {
    alertId: `marking:${tape.instrumentId}:${endSeq}`,
    kind: 'marking',
    instrumentId: tape.instrumentId,
    accountIds,
    firstSeq: fills[0]!.seq,
    firstTs: fills[0]!.ts,
    lastSeq: endSeq,
    lastTs: endTs,
    summary:
      `in the ${Math.round(t.markWindowMs / 1000)} s before the close, account` +
      `${accountIds.length === 1 ? '' : 's'} ${accountIds.join(', ')} swept ${top.swept} steps ` +
      `through the book and the close ended ${top.move} steps ${top.side === 'buy' ? 'up' : 'down'}`,
    orders: [],
    fills,
    measures: { moveSteps: top.move, sweptSteps: top.swept },
  };
}

/** Each account's taker commands on one side, as the lists of their trades' rows, in order. */
function takerCommands(
  w: TradeWindow,
  window: number[],
  side: 'buy' | 'sell',
): Map<number, number[][]> {
  const bySeq = new Map<number, number[]>();
  for (const row of window) {
    if (w.takerSide(row) !== side) continue;
    const seq = w.seq(row);
    const list = bySeq.get(seq);
    if (list === undefined) bySeq.set(seq, [row]);
    else list.push(row);
  }
  const out = new Map<number, number[][]>();
  for (const list of bySeq.values()) {
    const acct = w.takerAccountId(list[0]!);
    const cmds = out.get(acct);
    if (cmds === undefined) out.set(acct, [list]);
    else cmds.push(list);
  }
  return out;
}

/** Pre-settlement buying: net lots on the winning side over `[endTs − preSettleWindowMs, endTs]`. */
export function preSettlementAlerts(
  tape: MarketTape,
  result: 'yes' | 'no' | 'scalar',
  endTs: number,
  settleSeq: number,
  settleTs: number,
  t: Thresholds,
): Alert[] {
  if (result === 'scalar') return [];
  const win = result === 'yes' ? 'buy' : 'sell';
  // The window may hold millions of trades: it is read from the columns twice, never copied.
  const w = tape.trades;
  const fromTs = endTs - t.preSettleWindowMs;
  let volume = 0;
  const net = new Map<number, number>();
  w.scan(fromTs, endTs, (row) => {
    const qtyLots = w.qtyLots(row);
    volume += qtyLots;
    const takerGain = w.takerSide(row) === win ? qtyLots : -qtyLots;
    const taker = w.takerAccountId(row);
    net.set(taker, (net.get(taker) ?? 0) + takerGain);
    const maker = w.makerAccountId(row);
    net.set(maker, (net.get(maker) ?? 0) - takerGain);
  });
  if (volume === 0) return [];
  const alerts: Alert[] = [];
  for (const [accountId, lots] of [...net].sort((a, b) => a[0] - b[0])) {
    if (lots < t.preSettleMinLots || lots < t.preSettleMinShare * volume) continue;
    const fills: FillEvidence[] = [];
    w.scan(fromTs, endTs, (row) => {
      const won = w.takerSide(row) === win;
      if (
        (w.takerAccountId(row) === accountId && won) ||
        (w.makerAccountId(row) === accountId && !won)
      ) {
        fills.push(w.fill(row, tape.instrumentId));
      }
    });
    const share = Math.round((lots / volume) * 1000) / 1000;
    alerts.push({
      alertId: `preSettlement:${tape.instrumentId}:${accountId}`,
      kind: 'preSettlement',
      instrumentId: tape.instrumentId,
      accountIds: [accountId],
      firstSeq: fills[0]!.seq,
      firstTs: fills[0]!.ts,
      lastSeq: settleSeq,
      lastTs: settleTs,
      summary:
        `account ${accountId} ${win === 'buy' ? 'bought' : 'sold'} ${lots} lots net ` +
        `(${Math.round(share * 100)}% of the volume) in the ${Math.round(t.preSettleWindowMs / 60_000)} ` +
        `min before trading ended, and the market settled ${result}`,
      orders: [],
      fills,
      measures: { netLots: lots, share, windowVolume: volume },
    });
  }
  return alerts;
}
