// Order entry on the socket: place and cancel (answered with an ack or an error carrying the request's
// id) and arming cancel-on-disconnect. The same order checks and command as REST (order-entry.ts).

import { type OrderAck, PlaceOrderBody } from '@bourse/protocol';
import { type GatewayServices, rejectionError } from '../api/gateway-services.ts';
import { orderAck, placeOrderCommand } from '../api/order-entry.ts';
import { ApiError } from '../error-catalogue.ts';
import { toApiError } from '../http/http-pipeline.ts';
import { validatorFor } from '../http/schema-validator.ts';
import { cancelScopeOf } from './cancel-on-disconnect.ts';
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
        writer.send(c, placeAckText(id, orderAck(applied, market.spec.symbol)));
      }
    },
    (error: unknown) => writer.reply(c, id, toApiError(error)),
  );
}

/**
 * `JSON.stringify({ type: 'ack', op: 'place', id, order })`, written out: one string per order on
 * the socket's hottest path, without the generic serializer's walk (a third of its cost). The same
 * text, key for key (packages/gateway/test/socket-ack-text.test.ts).
 */
export function placeAckText(id: string | number | undefined, order: OrderAck): string {
  let fills = '';
  for (let i = 0; i < order.fills.length; i++) {
    const f = order.fills[i]!;
    fills += `${i === 0 ? '' : ','}{"tradeId":${f.tradeId},"priceTicks":${f.priceTicks},"qtyLots":${f.qtyLots},"fee":${f.fee}}`;
  }
  const reason = order.cancelReason === null ? 'null' : JSON.stringify(order.cancelReason);
  return (
    `{"type":"ack","op":"place","id":${typeof id === 'number' ? id : JSON.stringify(id ?? null)},` +
    `"order":{"orderId":${order.orderId},"seq":${order.seq},"ts":${order.ts},` +
    `"market":${JSON.stringify(order.market)},"status":"${order.status}",` +
    `"filledQtyLots":${order.filledQtyLots},"openQtyLots":${order.openQtyLots},` +
    `"cancelReason":${reason},"fills":[${fills}]}}`
  );
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
