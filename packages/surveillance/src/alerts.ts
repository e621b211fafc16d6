// An alert and its evidence: the orders and fills that made a detector fire, with their times and
// accounts, so an operator can judge it without another query. Alert ids are derived from the first
// order or trade of the episode, so feeding the same stream again raises the same ids.

export type AlertKind = 'wash' | 'spoofing' | 'layering' | 'marking' | 'preSettlement';

export const ALERT_KINDS: readonly AlertKind[] = [
  'wash',
  'spoofing',
  'layering',
  'marking',
  'preSettlement',
];

export interface OrderEvidence {
  readonly orderId: number;
  readonly accountId: number;
  readonly side: 'buy' | 'sell';
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly filledLots: number;
  /** When it rested and when it was cancelled (ms since the epoch), with their seqs. */
  readonly placedTs: number;
  readonly placedSeq: number;
  readonly cancelledTs: number | null;
  readonly cancelledSeq: number | null;
}

export interface FillEvidence {
  readonly tradeId: number;
  readonly instrumentId: number;
  readonly seq: number;
  readonly ts: number;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly takerSide: 'buy' | 'sell';
  readonly takerAccountId: number;
  readonly makerAccountId: number;
  readonly takerOrderId: number;
  readonly makerOrderId: number;
}

export interface Alert {
  readonly alertId: string;
  readonly kind: AlertKind;
  readonly instrumentId: number;
  /** The accounts the alert is about, ascending. */
  readonly accountIds: number[];
  /** The first and the latest command of the episode. */
  readonly firstSeq: number;
  readonly firstTs: number;
  readonly lastSeq: number;
  readonly lastTs: number;
  /** One sentence an operator reads in the list. */
  readonly summary: string;
  readonly orders: OrderEvidence[];
  readonly fills: FillEvidence[];
  /** Figures the detector measured (price move, share of volume, …), by name. */
  readonly measures: Record<string, number>;
}
