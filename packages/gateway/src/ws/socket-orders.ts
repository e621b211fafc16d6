// Order entry on the socket: place and cancel (answered with an ack or an error carrying the request's
// id) and arming cancel-on-disconnect. The same order checks and command as REST (order-entry.ts).

import { PlaceOrderBody } from '@bourse/protocol';
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
        writer.send(
          c,
          JSON.stringify({
            type: 'ack',
            op: 'place',
            id: id ?? null,
            order: orderAck(applied, market.spec.symbol),
          }),
        );
      }
    },
    (error: unknown) => writer.reply(c, id, toApiError(error)),
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
