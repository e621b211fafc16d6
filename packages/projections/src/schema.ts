// The read models' tables as Kysely sees them. Every money, price and quantity column is an integer
// (INTEGER in SQLite, BIGINT in PostgreSQL) in the unit its name says; booleans are 0/1 integers and
// enums are text, so the same schema and queries run on both backends.

export interface ProjectionStateTable {
  id: number;
  last_seq: number;
  last_ts: number;
}

export interface AssetsTable {
  asset_id: number;
  code: string;
  scale: number;
  created_seq: number;
}

export interface AccountsTable {
  account_id: number;
  user_id: number;
  subaccount: number;
  created_seq: number;
}

export interface InstrumentsTable {
  instrument_id: number;
  kind: string;
  symbol: string;
  /** Settlement asset (binary) or quote asset (spot): the asset trade cash and fees move in. */
  money_asset_id: number;
  /** Spot only: the asset a buyer receives. */
  base_asset_id: number | null;
  /** Binary only: value of a winning contract in ticks (0 for spot). */
  payout_ticks: number;
  money_per_tick_lot: number;
  /** Spot only: base minor units per lot (0 for binary). */
  base_units_per_lot: number;
  status: string;
  result: string | null;
  value_ticks: number | null;
  spec_json: string;
  created_seq: number;
  updated_seq: number;
}

export interface OrdersTable {
  order_id: number;
  account_id: number;
  instrument_id: number;
  client_order_id: string | null;
  side: string;
  order_type: string;
  tif: string;
  price_ticks: number | null;
  stop_price_ticks: number | null;
  /** Filled plus open quantity (an amend changes it; a cancel leaves it). */
  qty_lots: number;
  open_qty_lots: number;
  filled_qty_lots: number;
  /** Σ price × qty over the order's fills, in ticks·lots: the exact numerator of the average price. */
  filled_notional: number;
  fees_paid: number;
  status: string;
  cancel_reason: string | null;
  reject_reason: string | null;
  post_only: number;
  reduce_only: number;
  /** Cancelled when its market pauses or the exchange halts (added by migration 0002). */
  cancel_on_pause: number;
  expires_at: number | null;
  created_seq: number;
  created_ts: number;
  updated_seq: number;
  updated_ts: number;
}

export interface FillsTable {
  trade_id: number;
  role: string;
  seq: number;
  ts: number;
  instrument_id: number;
  order_id: number;
  account_id: number;
  side: string;
  price_ticks: number;
  qty_lots: number;
  fee: number;
}

export interface TradesTable {
  trade_id: number;
  seq: number;
  ts: number;
  instrument_id: number;
  price_ticks: number;
  qty_lots: number;
  taker_side: string;
  taker_order_id: number;
  maker_order_id: number;
}

export interface LedgerTable {
  seq: number;
  idx: number;
  ts: number;
  account_id: number;
  asset_id: number;
  kind: string;
  amount: number;
  /** Trade id for trade cash and fees, instrument id for settlements, null otherwise. */
  ref_id: number | null;
  transfer_id: string | null;
}

export interface PositionsTable {
  account_id: number;
  instrument_id: number;
  position_lots: number;
  cost_basis: number;
  realised_pnl: number;
  fees_paid: number;
  updated_seq: number;
}

export interface BalancesTable {
  account_id: number;
  asset_id: number;
  available: number;
  reserved: number;
  updated_seq: number;
}

export interface CandlesTable {
  instrument_id: number;
  period: string;
  bucket_ts: number;
  open_ticks: number;
  high_ticks: number;
  low_ticks: number;
  close_ticks: number;
  volume_lots: number;
  notional: number;
  trade_count: number;
}

export interface SettlementsTable {
  instrument_id: number;
  account_id: number;
  seq: number;
  ts: number;
  result: string;
  value_ticks: number;
  position_lots: number;
  payout: number;
  realised_pnl: number;
}

export interface AuditTable {
  seq: number;
  ts: number;
  command_type: string;
  account_id: number | null;
  instrument_id: number | null;
  order_id: number | null;
  outcome: string;
  reason: string | null;
  event_count: number;
  /** The admin who issued the command (0: the operator's console); null for a trader's own. */
  actor: number | null;
}

/** A surveillance alert; `evidence_json` holds its orders, fills and measures. */
export interface SurveillanceAlertsTable {
  alert_id: string;
  kind: string;
  instrument_id: number;
  /** JSON array of the accounts, ascending. */
  account_ids: string;
  /** The seq of the command that first raised it: the list's stable order. */
  raised_seq: number;
  first_seq: number;
  first_ts: number;
  last_seq: number;
  last_ts: number;
  summary: string;
  evidence_json: string;
  status: string;
  status_by: string | null;
  status_note: string | null;
  status_ts: number | null;
}

export interface SurveillanceAlertAccountsTable {
  account_id: number;
  alert_id: string;
  raised_seq: number;
}

/** An admin's beneficial-owner link: accounts with the same `owner` are one owner. */
export interface SurveillanceOwnersTable {
  account_id: number;
  owner: string;
  linked_by: string;
  linked_ts: number;
}

/** A market's threshold overrides (JSON of the changed thresholds only). */
export interface SurveillanceThresholdsTable {
  instrument_id: number;
  overrides_json: string;
  updated_by: string;
  updated_ts: number;
}

export interface Database {
  projection_state: ProjectionStateTable;
  assets: AssetsTable;
  accounts: AccountsTable;
  instruments: InstrumentsTable;
  orders: OrdersTable;
  fills: FillsTable;
  trades: TradesTable;
  ledger: LedgerTable;
  positions: PositionsTable;
  balances: BalancesTable;
  candles: CandlesTable;
  settlements: SettlementsTable;
  audit: AuditTable;
  surveillance_alerts: SurveillanceAlertsTable;
  surveillance_alert_accounts: SurveillanceAlertAccountsTable;
  surveillance_owners: SurveillanceOwnersTable;
  surveillance_thresholds: SurveillanceThresholdsTable;
}

export type TableName = keyof Database;
