// Market surveillance through the admin API: the account kill switch (freeze), beneficial-owner links,
// per-market detector thresholds, and the alerts the detectors raise with their evidence.

import { type Static, Type } from '@sinclair/typebox';
import { Cursor, Int, Limit, NonNegInt, NullableInt, Page, strict } from './primitives.ts';

export const AccountFrozenBody = Type.Object({ frozen: Type.Boolean() }, strict);

export const AccountFrozenResponse = Type.Object(
  {
    accountId: NonNegInt(),
    frozen: Type.Boolean(),
    /** Live orders the freeze cancelled (0 on an unfreeze). */
    cancelledOrders: NonNegInt(),
    seq: NonNegInt(),
  },
  strict,
);

export type AccountFrozenBody = Static<typeof AccountFrozenBody>;
export type AccountFrozenResponse = Static<typeof AccountFrozenResponse>;

export const ALERT_STATUSES = ['open', 'acknowledged', 'escalated'] as const;
const AlertStatus = Type.Union(ALERT_STATUSES.map((s) => Type.Literal(s)));
const AlertKind = Type.Union(
  ['wash', 'spoofing', 'layering', 'marking', 'preSettlement'].map((k) => Type.Literal(k)),
);

export const AlertsQuery = Type.Object(
  {
    status: Type.Optional(AlertStatus),
    kind: Type.Optional(AlertKind),
    accountId: Type.Optional(NonNegInt()),
    market: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    limit: Limit,
    cursor: Cursor,
  },
  strict,
);

export const AlertView = Type.Object({
  alertId: Type.String(),
  kind: AlertKind,
  market: Type.String(),
  instrumentId: Int,
  accountIds: Type.Array(Int),
  firstSeq: Int,
  firstTs: Int,
  lastSeq: Int,
  lastTs: Int,
  summary: Type.String(),
  status: AlertStatus,
  statusBy: Type.Union([Type.String(), Type.Null()]),
  statusNote: Type.Union([Type.String(), Type.Null()]),
  statusTs: NullableInt,
});

const OrderEvidence = Type.Object({
  orderId: Int,
  accountId: Int,
  side: Type.Union([Type.Literal('buy'), Type.Literal('sell')]),
  priceTicks: Int,
  qtyLots: Int,
  filledLots: Int,
  placedTs: Int,
  placedSeq: Int,
  cancelledTs: NullableInt,
  cancelledSeq: NullableInt,
});

const FillEvidence = Type.Object({
  tradeId: Int,
  instrumentId: Int,
  seq: Int,
  ts: Int,
  priceTicks: Int,
  qtyLots: Int,
  takerSide: Type.Union([Type.Literal('buy'), Type.Literal('sell')]),
  takerAccountId: Int,
  makerAccountId: Int,
  takerOrderId: Int,
  makerOrderId: Int,
});

export const AlertDetailView = Type.Intersect([
  AlertView,
  Type.Object({
    orders: Type.Array(OrderEvidence),
    fills: Type.Array(FillEvidence),
    measures: Type.Record(Type.String(), Type.Number()),
  }),
]);

export const AlertsPage = Page(AlertView);

export const AlertStatusBody = Type.Object(
  { status: AlertStatus, note: Type.Optional(Type.String({ maxLength: 1000 })) },
  strict,
);

export const OwnerLinkBody = Type.Object(
  {
    accountIds: Type.Array(NonNegInt(), { minItems: 1, maxItems: 100 }),
    /** The owner's name; default `owner-<smallest account id>`. */
    owner: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  strict,
);

export const OwnerLinkView = Type.Object({
  accountId: Int,
  owner: Type.String(),
  linkedBy: Type.String(),
  linkedTs: Int,
});
export const OwnerLinksResponse = Type.Object({ items: Type.Array(OwnerLinkView) });

const ThresholdFields = {
  washMinLots: NonNegInt(),
  washEpisodeMs: NonNegInt(),
  spoofSizeFactor: Type.Number({ minimum: 0 }),
  spoofMinLots: NonNegInt(),
  spoofTouchSteps: NonNegInt(),
  spoofMaxLifeMs: NonNegInt(),
  spoofMaxFilledFraction: Type.Number({ minimum: 0, maximum: 1 }),
  spoofTradeWindowMs: NonNegInt(),
  layeringMinPrices: NonNegInt(),
  markWindowMs: NonNegInt(),
  markMinMoveSteps: NonNegInt(),
  markMinSweepSteps: NonNegInt(),
  preSettleWindowMs: NonNegInt(),
  preSettleMinLots: NonNegInt(),
  preSettleMinShare: Type.Number({ minimum: 0, maximum: 1 }),
};

/** A market's overrides: only the thresholds that differ from the defaults; `{}` restores them. */
export const ThresholdsBody = Type.Object(
  { overrides: Type.Partial(Type.Object(ThresholdFields, strict)) },
  strict,
);

export const ThresholdsResponse = Type.Object({
  defaults: Type.Object(ThresholdFields),
  markets: Type.Array(
    Type.Object({
      market: Type.String(),
      instrumentId: Int,
      overrides: Type.Partial(Type.Object(ThresholdFields)),
      effective: Type.Object(ThresholdFields),
      updatedBy: Type.String(),
      updatedTs: Int,
    }),
  ),
});

export type AlertsQuery = Static<typeof AlertsQuery>;
export type AlertView = Static<typeof AlertView>;
export type AlertDetailView = Static<typeof AlertDetailView>;
export type AlertStatusBody = Static<typeof AlertStatusBody>;
export type OwnerLinkBody = Static<typeof OwnerLinkBody>;
export type OwnerLinkView = Static<typeof OwnerLinkView>;
export type ThresholdsBody = Static<typeof ThresholdsBody>;
export type ThresholdsResponse = Static<typeof ThresholdsResponse>;
