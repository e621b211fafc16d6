// How each table is written by the projector: its columns in binding order and what a key conflict
// means. Append-only tables have no conflict rule (a replayed seq is skipped before it gets here);
// latest-value tables replace the row; candles merge the batch's bucket into the stored one.

import { sql } from 'kysely';
import type { Database, TableName } from './schema.ts';
import type { TableWrite } from './bulk-writer.ts';

function columnsOf<T extends TableName>(
  _table: T,
  columns: readonly (keyof Database[T] & string)[],
): readonly (keyof Database[T] & string)[] {
  return columns;
}

export const ASSETS_WRITE: TableWrite<'assets'> = {
  table: 'assets',
  columns: columnsOf('assets', ['asset_id', 'code', 'scale', 'created_seq']),
  conflict: { kind: 'none' },
};

export const ACCOUNTS_WRITE: TableWrite<'accounts'> = {
  table: 'accounts',
  columns: columnsOf('accounts', ['account_id', 'user_id', 'subaccount', 'created_seq']),
  conflict: { kind: 'none' },
};

export const INSTRUMENTS_WRITE: TableWrite<'instruments'> = {
  table: 'instruments',
  columns: columnsOf('instruments', [
    'instrument_id',
    'kind',
    'symbol',
    'money_asset_id',
    'base_asset_id',
    'payout_ticks',
    'money_per_tick_lot',
    'base_units_per_lot',
    'status',
    'result',
    'value_ticks',
    'spec_json',
    'created_seq',
    'updated_seq',
  ]),
  conflict: { kind: 'replace', keys: ['instrument_id'] },
};

const ORDER_COLUMNS = columnsOf('orders', [
  'order_id',
  'account_id',
  'instrument_id',
  'client_order_id',
  'side',
  'order_type',
  'tif',
  'price_ticks',
  'stop_price_ticks',
  'qty_lots',
  'open_qty_lots',
  'filled_qty_lots',
  'filled_notional',
  'fees_paid',
  'status',
  'cancel_reason',
  'reject_reason',
  'post_only',
  'reduce_only',
  'cancel_on_pause',
  'expires_at',
  'created_seq',
  'created_ts',
  'updated_seq',
  'updated_ts',
]);

/**
 * Orders placed in the batch: a plain insert. Their ids are their commands' seqs, which no stored row
 * can hold (a stored seq is skipped before the fold), and without a conflict clause PostgreSQL inserts
 * each row once instead of speculatively (a confirmation WAL record per row and a second probe of the
 * key).
 */
export const NEW_ORDERS_WRITE: TableWrite<'orders'> = {
  table: 'orders',
  columns: ORDER_COLUMNS,
  conflict: { kind: 'none' },
};

/** What an event can change after placement; ids, side, type and creation stamps never change. */
const ORDER_CHANGES = columnsOf('orders', [
  'price_ticks',
  'qty_lots',
  'open_qty_lots',
  'filled_qty_lots',
  'filled_notional',
  'fees_paid',
  'status',
  'cancel_reason',
  'updated_seq',
  'updated_ts',
]);

/** Orders stored before the batch that it changed: updated by id. */
export const STORED_ORDERS_WRITE: TableWrite<'orders'> = {
  table: 'orders',
  columns: ORDER_COLUMNS,
  conflict: { kind: 'update', keys: ['order_id'], update: ORDER_CHANGES },
};

/** The batch's other orders (ids a command chose): inserted, or updated if the id is stored. */
export const ORDERS_WRITE: TableWrite<'orders'> = {
  table: 'orders',
  columns: ORDER_COLUMNS,
  conflict: { kind: 'replace', keys: ['order_id'], update: ORDER_CHANGES },
};

export const FILLS_WRITE: TableWrite<'fills'> = {
  table: 'fills',
  columns: columnsOf('fills', [
    'trade_id',
    'role',
    'seq',
    'ts',
    'instrument_id',
    'order_id',
    'account_id',
    'side',
    'price_ticks',
    'qty_lots',
    'fee',
  ]),
  conflict: { kind: 'none' },
};

export const TRADES_WRITE: TableWrite<'trades'> = {
  table: 'trades',
  columns: columnsOf('trades', [
    'trade_id',
    'seq',
    'ts',
    'instrument_id',
    'price_ticks',
    'qty_lots',
    'taker_side',
    'taker_order_id',
    'maker_order_id',
  ]),
  conflict: { kind: 'none' },
};

export const LEDGER_WRITE: TableWrite<'ledger'> = {
  table: 'ledger',
  columns: columnsOf('ledger', [
    'seq',
    'idx',
    'ts',
    'account_id',
    'asset_id',
    'kind',
    'amount',
    'ref_id',
    'transfer_id',
  ]),
  conflict: { kind: 'none' },
};

export const POSITIONS_WRITE: TableWrite<'positions'> = {
  table: 'positions',
  columns: columnsOf('positions', [
    'account_id',
    'instrument_id',
    'position_lots',
    'cost_basis',
    'realised_pnl',
    'fees_paid',
    'updated_seq',
  ]),
  conflict: { kind: 'replace', keys: ['account_id', 'instrument_id'] },
};

export const BALANCES_WRITE: TableWrite<'balances'> = {
  table: 'balances',
  columns: columnsOf('balances', [
    'account_id',
    'asset_id',
    'available',
    'reserved',
    'updated_seq',
  ]),
  conflict: { kind: 'replace', keys: ['account_id', 'asset_id'] },
};

const ex = (c: string) => sql.ref(`excluded.${c}`);
const cur = (c: string) => sql.ref(`candles.${c}`);

/** The stored bucket keeps its open; high/low widen, close moves on, sums add up. */
export const CANDLES_WRITE: TableWrite<'candles'> = {
  table: 'candles',
  columns: columnsOf('candles', [
    'instrument_id',
    'period',
    'bucket_ts',
    'open_ticks',
    'high_ticks',
    'low_ticks',
    'close_ticks',
    'volume_lots',
    'notional',
    'trade_count',
  ]),
  conflict: {
    kind: 'merge',
    keys: ['instrument_id', 'period', 'bucket_ts'],
    set: {
      // CASE rather than max()/greatest(): SQLite and PostgreSQL spell the two-argument max differently.
      high_ticks: sql`case when ${ex('high_ticks')} > ${cur('high_ticks')} then ${ex('high_ticks')} else ${cur('high_ticks')} end`,
      low_ticks: sql`case when ${ex('low_ticks')} < ${cur('low_ticks')} then ${ex('low_ticks')} else ${cur('low_ticks')} end`,
      close_ticks: ex('close_ticks'),
      volume_lots: sql`${cur('volume_lots')} + ${ex('volume_lots')}`,
      notional: sql`${cur('notional')} + ${ex('notional')}`,
      trade_count: sql`${cur('trade_count')} + ${ex('trade_count')}`,
    },
  },
};

export const SETTLEMENTS_WRITE: TableWrite<'settlements'> = {
  table: 'settlements',
  columns: columnsOf('settlements', [
    'instrument_id',
    'account_id',
    'seq',
    'ts',
    'result',
    'value_ticks',
    'position_lots',
    'payout',
    'realised_pnl',
  ]),
  conflict: { kind: 'none' },
};

export const AUDIT_WRITE: TableWrite<'audit'> = {
  table: 'audit',
  columns: columnsOf('audit', [
    'seq',
    'ts',
    'command_type',
    'account_id',
    'instrument_id',
    'order_id',
    'outcome',
    'reason',
    'event_count',
    'actor',
  ]),
  conflict: { kind: 'none' },
};
