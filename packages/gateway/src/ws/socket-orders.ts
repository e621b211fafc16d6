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

/**
 * `JSON.stringify({ type: 'ack', op: 'place', id, order })` as UTF-8, written out: one message per
 * order on the socket's hottest path, without the generic serializer's walk and without a string of
 * its own (json-bytes.ts). The same text, key for key (packages/gateway/test/socket-ack-text.test.ts).
 */
export function placeAckBytes(id: string | number | undefined, order: OrderAck): Buffer {
  const w = ACKS;
  w.begin();
  w.ascii('{"type":"ack","op":"place","id":');
  if (typeof id === 'number') w.number(id);
  else w.utf8(JSON.stringify(id ?? null));
  w.ascii(',"order":{"orderId":');
  w.number(order.orderId);
  w.ascii(',"seq":');
  w.number(order.seq);
  w.ascii(',"ts":');
  w.number(order.ts);
  w.ascii(',"market":');
  w.bytes(symbolJson(order.market));
  w.ascii(',"status":"');
  w.ascii(order.status);
  w.ascii('","filledQtyLots":');
  w.number(order.filledQtyLots);
  w.ascii(',"openQtyLots":');
  w.number(order.openQtyLots);
  w.ascii(',"cancelReason":');
  if (order.cancelReason === null) w.ascii('null');
  else w.utf8(JSON.stringify(order.cancelReason));
  w.ascii(',"fills":[');
  for (let i = 0; i < order.fills.length; i++) {
    const f = order.fills[i]!;
    w.ascii(i === 0 ? '{"tradeId":' : ',{"tradeId":');
    w.number(f.tradeId);
    w.ascii(',"priceTicks":');
    w.number(f.priceTicks);
    w.ascii(',"qtyLots":');
    w.number(f.qtyLots);
    w.ascii(',"fee":');
    w.number(f.fee);
    w.ascii('}');
  }
  w.ascii(']}}');
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
