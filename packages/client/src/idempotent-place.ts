// Placing an order at most once over an unreliable connection. The order carries a client order id
// (one is made when the caller gave none); when an attempt's fate is unknown (5xx, timeout, dropped
// connection) the client first looks the id up in the account's orders — the exchange answers that
// read only once its history holds every durable command — and resends under the same id only if the
// order is not there. A resend that meets DUPLICATE_CLIENT_ORDER_ID found the first one resting.

import { randomBytes } from 'node:crypto';
import { BourseApiError } from './client-error.ts';
import {
  fateUnknown,
  refusedBeforeRunning,
  type RetryPolicy,
  retryDelayMs,
} from './retry-policy.ts';
import type { OrderAck, OrderInput, Page } from './wire-types.ts';

/** An acknowledgement rebuilt from the order's record after a lost answer (`fills` then empty). */
export type PlacedOrder = OrderAck & { readonly recovered?: true };

export interface PlaceDeps {
  send(order: OrderInput): Promise<OrderAck>;
  findByClientId(clientOrderId: string): Promise<Page<Record<string, unknown>>>;
  sleep(ms: number): Promise<void>;
}

/** A fresh client order id: 20 random bytes, base64url (27 characters, within the 64 allowed). */
export function newClientOrderId(): string {
  return randomBytes(20).toString('base64url');
}

export async function placeOnce(
  deps: PlaceDeps,
  policy: RetryPolicy,
  input: OrderInput,
): Promise<PlacedOrder> {
  const order = { ...input, clientOrderId: input.clientOrderId ?? newClientOrderId() };
  const cid = order.clientOrderId;
  let uncertain = false;
  for (let attempt = 1; ; attempt++) {
    try {
      if (uncertain) {
        const found = await recover(deps, cid);
        if (found !== undefined) return found;
      }
      return await deps.send(order);
    } catch (error) {
      if (
        uncertain &&
        error instanceof BourseApiError &&
        error.code === 'DUPLICATE_CLIENT_ORDER_ID'
      ) {
        const found = await recover(deps, cid);
        if (found !== undefined) return found;
      }
      const retriable = refusedBeforeRunning(error) || fateUnknown(error);
      if (!retriable || attempt >= policy.attempts) throw error;
      uncertain ||= fateUnknown(error);
      await deps.sleep(retryDelayMs(policy, error, attempt));
    }
  }
}

/** The order with this client id, as an acknowledgement, when the exchange has it. */
async function recover(deps: PlaceDeps, cid: string): Promise<PlacedOrder | undefined> {
  const page = await deps.findByClientId(cid);
  const row = page.items.find((o) => o.clientOrderId === cid);
  if (row === undefined) return undefined;
  const status = row.status as string;
  if (status === 'rejected') {
    const reason = (row.rejectReason as string | undefined) ?? 'REJECTED';
    throw new BourseApiError(400, reason, 'The order was refused (its answer had been lost).');
  }
  return {
    orderId: row.orderId as number,
    seq: row.createdSeq as number,
    ts: row.createdTs as number,
    market: row.market as string,
    status:
      status === 'open'
        ? row.orderType === 'stopLimit' || row.orderType === 'stopMarket'
          ? 'parked'
          : 'resting'
        : status === 'filled'
          ? 'filled'
          : 'cancelled',
    filledQtyLots: row.filledQtyLots as number,
    openQtyLots: row.openQtyLots as number,
    cancelReason: (row.cancelReason as string | null | undefined) ?? null,
    fills: [],
    recovered: true,
  };
}
