// Rows built from a command itself rather than from its events: the audit line every command gets, the
// order row of a rejected placement (the engine emits no orderAccepted for it), and an instrument's row
// from its spec. A rejected command may carry malformed fields, so values are sanitised, never trusted.

import type { Command, InstrumentSpec, PlaceOrder, Rejected } from '@bourse/engine';
import type { AuditTable, InstrumentsTable, OrdersTable } from './schema.ts';

/** A safe integer, or null for anything else (absent, fractional, non-numeric). */
export function safeIntOrNull(x: unknown): number | null {
  return typeof x === 'number' && Number.isSafeInteger(x) ? x : null;
}

function stringOrNull(x: unknown): string | null {
  return typeof x === 'string' ? x : null;
}

function field(command: Command, name: string): unknown {
  return (command as unknown as Record<string, unknown>)[name];
}

function commandInstrumentId(command: Command): number | null {
  if (command.type === 'createInstrument') return safeIntOrNull(command.spec?.instrumentId);
  return safeIntOrNull(field(command, 'instrumentId'));
}

export function auditRow(
  seq: number,
  ts: number,
  command: Command,
  eventCount: number,
  rejected: Rejected | undefined,
): AuditTable {
  return {
    seq,
    ts,
    command_type: String(command.type),
    account_id: safeIntOrNull(field(command, 'accountId')),
    instrument_id: commandInstrumentId(command),
    order_id: safeIntOrNull(field(command, 'orderId')),
    outcome: rejected === undefined ? 'accepted' : 'rejected',
    reason: rejected === undefined ? null : rejected.reason,
    event_count: eventCount,
    actor: safeIntOrNull(field(command, 'actor')),
  };
}

/**
 * The row of a rejected placement, or undefined when it must not be stored: a duplicate order id
 * would overwrite the real order, and a placement without usable ids cannot be looked up anyway.
 */
export function rejectedOrderRow(
  seq: number,
  ts: number,
  command: PlaceOrder,
  rejected: Rejected,
): OrdersTable | undefined {
  if (rejected.reason === 'DUPLICATE_ORDER_ID') return undefined;
  const orderId = safeIntOrNull(command.orderId);
  const accountId = safeIntOrNull(command.accountId);
  const instrumentId = safeIntOrNull(command.instrumentId);
  if (orderId === null || accountId === null || instrumentId === null) return undefined;
  return {
    order_id: orderId,
    account_id: accountId,
    instrument_id: instrumentId,
    client_order_id: stringOrNull(command.clientOrderId),
    side: stringOrNull(command.side) ?? '',
    order_type: stringOrNull(command.orderType) ?? '',
    tif: stringOrNull(command.tif) ?? '',
    price_ticks: safeIntOrNull(command.priceTicks),
    stop_price_ticks: safeIntOrNull(command.stopPriceTicks),
    qty_lots: safeIntOrNull(command.qtyLots) ?? 0,
    open_qty_lots: 0,
    filled_qty_lots: 0,
    filled_notional: 0,
    fees_paid: 0,
    status: 'rejected',
    cancel_reason: null,
    reject_reason: rejected.reason,
    post_only: command.postOnly === true ? 1 : 0,
    reduce_only: command.reduceOnly === true ? 1 : 0,
    cancel_on_pause: command.cancelOnPause === true ? 1 : 0,
    expires_at: safeIntOrNull(command.expiresAt),
    created_seq: seq,
    created_ts: ts,
    updated_seq: seq,
    updated_ts: ts,
  };
}

export function instrumentRow(spec: InstrumentSpec, seq: number): InstrumentsTable {
  const binary = spec.kind === 'binary';
  return {
    instrument_id: spec.instrumentId,
    kind: spec.kind,
    symbol: spec.symbol,
    money_asset_id: binary ? spec.settlementAssetId : spec.quoteAssetId,
    base_asset_id: binary ? null : spec.baseAssetId,
    payout_ticks: binary ? spec.payoutTicks : 0,
    money_per_tick_lot: spec.moneyPerTickLot,
    base_units_per_lot: binary ? 0 : spec.baseUnitsPerLot,
    status: 'created',
    result: null,
    value_ticks: null,
    spec_json: JSON.stringify(spec),
    created_seq: seq,
    updated_seq: seq,
  };
}
