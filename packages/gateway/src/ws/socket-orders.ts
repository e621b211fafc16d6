// Order entry on the socket: place and cancel (answered with an ack or an error carrying the request's
// id) and arming cancel-on-disconnect. The same order checks and command as REST (order-entry.ts).

import { type OrderAck, PlaceOrderBody } from '@bourse/protocol';
import { type GatewayServices, rejectionError } from '../api/gateway-services.ts';
import { orderAck, placeOrderCommand } from '../api/order-entry.ts';
import { ApiError } from '../error-catalogue.ts';
import { toApiError } from '../http/http-pipeline.ts';
import { validatorFor } from '../http/schema-validator.ts';
import { cancelScopeOf } from './cancel-on-disconnect.ts';
import { JsonBytes } from './json-bytes.ts';
import type { SocketWriter } from './socket-writer.ts';
import { type Client, tradingPrincipal } from './ws-client.ts';

const validatePlace = () => validatorFor(PlaceOrderBody);

export function placeOnSocket(
  s: GatewayServices,
  writer: SocketWriter,
  c: Client,
  id: string | number | undefined,
  order: unknown,
): void {
  const p = tradingPrincipal(c.principal);
  validatePlace()(order);
  const body = order as PlaceOrderBody;
  const market = s.market(body.market);
  const input = placeOrderCommand(p.accountId, market, body);
  s.send(input).then(
    (applied) => {
      const refused = rejectionError(applied);
      if (refused !== undefined) {
        writer.reply(c, id, refused, applied.seq);
      } else {
        writer.send(c, placeAckBytes(id, orderAck(applied, market.spec.symbol)));
      }
    },
    (error: unknown) => writer.reply(c, id, toApiError(error)),
  );
}

/** Where every place ack is written (the gateway thread's only one). */
const ACKS = new JsonBytes();
/** Each market symbol's JSON text, encoded once. */
const SYMBOLS = new Map<string, Buffer>();

function symbolJson(symbol: string): Buffer {
  let b = SYMBOLS.get(symbol);
  if (b === undefined) {
    b = Buffer.from(JSON.stringify(symbol), 'utf8');
    if (SYMBOLS.size < 100_000) SYMBOLS.set(symbol, b);
  }
  return b;
}

/** Fixed parts of the place ack's text, encoded once: one copy each instead of a loop per character. */
const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
const ACK_OPEN = latin1('{"type":"ack","op":"place","id":');
const ORDER_ID = latin1(',"order":{"orderId":');
const SEQ = latin1(',"seq":');
const TS = latin1(',"ts":');
const MARKET = latin1(',"market":');
/** `,"status":"…","filledQtyLots":` for each status: the status is one of four words. */
const STATUS: Readonly<Record<OrderAck['status'], Buffer>> = {
  resting: latin1(',"status":"resting","filledQtyLots":'),
  parked: latin1(',"status":"parked","filledQtyLots":'),
  filled: latin1(',"status":"filled","filledQtyLots":'),
  cancelled: latin1(',"status":"cancelled","filledQtyLots":'),
};
const OPEN_QTY = latin1(',"openQtyLots":');
const NOT_CANCELLED = latin1(',"cancelReason":null,"fills":[');
const CANCEL_REASON = latin1(',"cancelReason":');
const FILLS = latin1(',"fills":[');
const FIRST_FILL = latin1('{"tradeId":');
const NEXT_FILL = latin1('},{"tradeId":');
const PRICE = latin1(',"priceTicks":');
const QTY = latin1(',"qtyLots":');
const FEE = latin1(',"fee":');
const LAST_FILL_END = latin1('}]}}');
const NO_FILLS_END = latin1(']}}');

/**
 * `JSON.stringify({ type: 'ack', op: 'place', id, order })` as UTF-8, written out: one message per
 * order on the socket's hottest path, without the generic serializer's walk and without a string of
 * its own (json-bytes.ts). The same text, key for key (packages/gateway/test/socket-ack-text.test.ts).
 */
export function placeAckBytes(id: string | number | undefined, order: OrderAck): Buffer {
  const w = ACKS;
  w.begin();
  w.bytes(ACK_OPEN);
  if (typeof id === 'number') w.number(id);
  else w.utf8(JSON.stringify(id ?? null));
  w.bytes(ORDER_ID);
  w.number(order.orderId);
  w.bytes(SEQ);
  w.number(order.seq);
  w.bytes(TS);
  w.number(order.ts);
  w.bytes(MARKET);
  w.bytes(symbolJson(order.market));
  w.bytes(STATUS[order.status]);
  w.number(order.filledQtyLots);
  w.bytes(OPEN_QTY);
  w.number(order.openQtyLots);
  if (order.cancelReason === null) w.bytes(NOT_CANCELLED);
  else {
    w.bytes(CANCEL_REASON);
    w.utf8(JSON.stringify(order.cancelReason));
    w.bytes(FILLS);
  }
  const fills = order.fills;
  for (let i = 0; i < fills.length; i++) {
    const f = fills[i]!;
    w.bytes(i === 0 ? FIRST_FILL : NEXT_FILL);
    w.number(f.tradeId);
    w.bytes(PRICE);
    w.number(f.priceTicks);
    w.bytes(QTY);
    w.number(f.qtyLots);
    w.bytes(FEE);
    w.number(f.fee);
  }
  w.bytes(fills.length === 0 ? NO_FILLS_END : LAST_FILL_END);
  return w.end();
}

export function cancelOnSocket(
  s: GatewayServices,
  writer: SocketWriter,
  c: Client,
  id: string | number | undefined,
  orderId: unknown,
): void {
  const p = tradingPrincipal(c.principal);
  if (typeof orderId !== 'number' || !Number.isSafeInteger(orderId) || orderId < 1) {
    throw new ApiError('VALIDATION_FAILED', 'orderId must be a positive integer.');
  }
  s.core.query
    .order(orderId)
    .then((o) => {
      if (o === undefined || o.accountId !== p.accountId) throw new ApiError('ORDER_NOT_FOUND');
      return s.core.submit({ type: 'cancelOrder', accountId: p.accountId, orderId });
    })
    .then(
      (applied) => {
        const refused = rejectionError(applied);
        if (refused !== undefined) writer.reply(c, id, refused, applied.seq);
        else
          writer.send(
            c,
            JSON.stringify({
              type: 'ack',
              op: 'cancel',
              id: id ?? null,
              orderId,
              seq: applied.seq,
            }),
          );
      },
      (error: unknown) => writer.reply(c, id, toApiError(error)),
    );
}

/** Arms (or disarms) the socket; every check runs before the socket's setting changes. */
export function armCancelOnDisconnect(
  s: GatewayServices,
  writer: SocketWriter,
  c: Client,
  id: string | number | undefined,
  msg: Record<string, unknown>,
): void {
  tradingPrincipal(c.principal);
  const scope = cancelScopeOf(s, msg);
  c.cancelOnDisconnect = scope;
  writer.send(
    c,
    JSON.stringify({
      type: 'ack',
      op: 'cancelOnDisconnect',
      id: id ?? null,
      enabled: scope !== undefined,
      market: scope === undefined || scope === 'allMarkets' ? null : scope.symbol,
    }),
  );
}
