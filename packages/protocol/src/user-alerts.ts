// A user's own alerts (not surveillance's): what may fire (price crossing a level, a move within a
// window, spread and volume thresholds, an order filled, a market about to close or settled), where
// it is delivered (in-app, Web Push, e-mail, signed webhook), what fired and the delivery log.

import { type Static, Type } from '@sinclair/typebox';
import { Int, NonNegInt, NullableInt, PosInt, strict } from './primitives.ts';

export const USER_ALERT_KINDS = [
  'priceCross',
  'priceMove',
  'spread',
  'volume',
  'orderFilled',
  'marketClosing',
  'marketSettled',
] as const;
export const ALERT_CHANNELS = ['inApp', 'push', 'email', 'webhook'] as const;

const Kind = Type.Union(USER_ALERT_KINDS.map((k) => Type.Literal(k)));
const ChannelSchema = Type.Union(ALERT_CHANNELS.map((c) => Type.Literal(c)));
const Direction = Type.Union(
  ['above', 'below', 'up', 'down', 'either', 'wider', 'narrower'].map((d) => Type.Literal(d)),
);

/** The condition's fields; which are needed depends on `kind` (the server names a missing one). */
const conditionFields = {
  kind: Kind,
  market: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  direction: Type.Optional(Direction),
  priceTicks: Type.Optional(PosInt('priceCross: the level, in ticks.')),
  moveBps: Type.Optional(PosInt('priceMove: the move in basis points (100 = 1 %).')),
  windowMs: Type.Optional(PosInt('priceMove, volume: the trailing window.')),
  spreadTicks: Type.Optional(NonNegInt('spread: the threshold, in ticks.')),
  volumeLots: Type.Optional(PosInt('volume: lots traded within the window.')),
  orderId: Type.Optional(PosInt('orderFilled: this order filled completely.')),
  leadMs: Type.Optional(NonNegInt('marketClosing: how long before the scheduled close.')),
};

export const UserAlertBody = Type.Object(
  {
    ...conditionFields,
    channels: Type.Array(ChannelSchema, { minItems: 1, maxItems: 4, uniqueItems: true }),
    note: Type.Optional(Type.String({ maxLength: 200 })),
  },
  strict,
);

export const UserAlertCondition = Type.Object(conditionFields);

export const UserAlertView = Type.Object({
  alertId: Int,
  condition: UserAlertCondition,
  channels: Type.Array(ChannelSchema),
  note: Type.String(),
  createdAt: Int,
  /** Commands after this seq are watched. */
  fromSeq: Int,
  state: Type.Union([Type.Literal('watching'), Type.Literal('fired')]),
  firedAt: NullableInt,
  firedSeq: NullableInt,
  firedText: Type.Union([Type.String(), Type.Null()]),
});

export const UserAlertList = Type.Object({ items: Type.Array(UserAlertView) });

/** A fired alert, as the in-app list, the `notifications` socket channel, webhooks and pushes carry it. */
export const AlertNotification = Type.Object({
  id: Type.String(),
  alertId: Int,
  kind: Kind,
  market: Type.Union([Type.String(), Type.Null()]),
  text: Type.String(),
  seq: Int,
  ts: Int,
  detail: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()])),
});

export const AlertNotificationList = Type.Object({ items: Type.Array(AlertNotification) });

export const AlertDeliveryLog = Type.Object({
  items: Type.Array(
    Type.Object({
      deliveryId: Int,
      alertId: Int,
      channel: ChannelSchema,
      target: Type.String(),
      ts: Int,
      attempt: Int,
      ok: Type.Boolean(),
      detail: Type.String(),
    }),
  ),
});

export const AlertListQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) },
  strict,
);

export const AlertSettingsBody = Type.Object(
  {
    email: Type.Union([Type.String({ minLength: 3, maxLength: 254 }), Type.Null()]),
    webhookUrl: Type.Union([Type.String({ minLength: 8, maxLength: 2_000 }), Type.Null()]),
    /** Make a new webhook signing secret (one is made with the first webhook URL). */
    rotateSecret: Type.Optional(Type.Boolean()),
  },
  strict,
);

export const AlertSettings = Type.Object({
  email: Type.Union([Type.String(), Type.Null()]),
  webhookUrl: Type.Union([Type.String(), Type.Null()]),
  /** The HMAC-SHA256 key of the `Bourse-Signature` header (docs/api.md). */
  webhookSecret: Type.Union([Type.String(), Type.Null()]),
  /** Channels this server can deliver on (e-mail needs an SMTP relay configured). */
  channels: Type.Array(ChannelSchema),
});

/** Alerts a browser kept before alerts moved to the server (`bourse.alerts.v1`), imported once. */
export const AlertImportBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          id: Type.String({ minLength: 1, maxLength: 64 }),
          market: Type.String({ minLength: 1, maxLength: 64 }),
          direction: Type.Union([Type.Literal('above'), Type.Literal('below')]),
          priceTicks: PosInt(),
          createdAt: Type.Optional(Type.Number()),
          firedAt: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
          firedPriceTicks: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
        },
        strict,
      ),
      { maxItems: 500 },
    ),
  },
  strict,
);

export const AlertImportResponse = Type.Object({
  imported: NonNegInt(),
  /** Already imported before (same browser id), fired already, or on a market that is gone. */
  skipped: NonNegInt(),
});

export const PushKey = Type.Object({ publicKey: Type.String() });

export const PushSubscriptionBody = Type.Object(
  {
    endpoint: Type.String({ minLength: 8, maxLength: 2_000 }),
    keys: Type.Object(
      {
        p256dh: Type.String({ minLength: 1, maxLength: 200 }),
        auth: Type.String({ minLength: 1, maxLength: 100 }),
      },
      { additionalProperties: true },
    ),
    expirationTime: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  },
  strict,
);

export const PushUnsubscribeBody = Type.Object(
  { endpoint: Type.String({ minLength: 8, maxLength: 2_000 }) },
  strict,
);

export type UserAlertBody = Static<typeof UserAlertBody>;
export type UserAlertCondition = Static<typeof UserAlertCondition>;
export type UserAlertView = Static<typeof UserAlertView>;
export type AlertNotification = Static<typeof AlertNotification>;
export type AlertDeliveryLog = Static<typeof AlertDeliveryLog>;
export type AlertSettingsBody = Static<typeof AlertSettingsBody>;
export type AlertSettings = Static<typeof AlertSettings>;
export type AlertImportBody = Static<typeof AlertImportBody>;
export type PushSubscriptionBody = Static<typeof PushSubscriptionBody>;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];
