// The field layouts of the binary codec, shared by commands and events: each message's fields are
// described once (`FieldSpec`), so the compiler refuses a message type whose fields are not all
// described, and tests generate random messages from the descriptions to check every field survives
// a round trip. Closed string sets (sides, order types, reasons) travel as a one-byte code; their
// tables are records over the union, so a new member without a code does not compile.

import type { OrderType, SelfTradePrevention, Side, TimeInForce } from './commands.ts';
import type { CancelReason } from './events.ts';
import type { MarketStatus } from './instrument.ts';
import { REJECT_CODES, type RejectCode } from './reject-codes.ts';
import { type ByteReader, type ByteWriter, NotEncodable } from './codec-bytes.ts';

/** A closed string set and its one-byte codes (in declaration order of the record). */
export interface Enumeration<T extends string> {
  readonly codes: Readonly<Record<T, number>>;
  readonly values: readonly T[];
  readonly what: string;
}

export function enumeration<T extends string>(
  what: string,
  codes: Record<T, number>,
): Enumeration<T> {
  const values: T[] = [];
  for (const key of Object.keys(codes) as T[]) values[codes[key]] = key;
  return { codes, values, what };
}

export function writeEnum<T extends string>(w: ByteWriter, e: Enumeration<T>, v: T): void {
  w.u8(enumCode(e, v));
}

/** The one-byte code of `v`, refusing (NotEncodable) a value outside the set. */
export function enumCode<T extends string>(e: Enumeration<T>, v: T): number {
  const code: unknown = e.codes[v];
  if (typeof code !== 'number' || !Object.hasOwn(e.codes, v)) {
    throw new NotEncodable(`unknown ${e.what}: ${String(v)}`);
  }
  return code;
}

export function readEnum<T extends string>(r: ByteReader, e: Enumeration<T>): T {
  return r.oneOf(e.values, e.what);
}

export const SIDE = enumeration<Side>('side', { buy: 0, sell: 1 });
export const ORDER_TYPE = enumeration<OrderType>('order type', {
  limit: 0,
  market: 1,
  stop: 2,
  stopLimit: 3,
});
export const TIF = enumeration<TimeInForce>('time in force', { gtc: 0, gtd: 1, ioc: 2, fok: 3 });
export const STP = enumeration<SelfTradePrevention>('self-trade prevention', {
  cancelTaker: 0,
  cancelMaker: 1,
});
export const COMMAND_MARKET_STATUS = enumeration<'open' | 'paused' | 'closed'>('market status', {
  open: 0,
  paused: 1,
  closed: 2,
});
export const MARKET_STATUS = enumeration<MarketStatus>('market status', {
  created: 0,
  open: 1,
  paused: 2,
  closed: 3,
  settled: 4,
});
export const RESULT = enumeration<'yes' | 'no' | 'scalar'>('settlement result', {
  yes: 0,
  no: 1,
  scalar: 2,
});
export const LEDGER_KIND = enumeration<'deposit' | 'withdraw' | 'transferIn' | 'transferOut'>(
  'ledger kind',
  { deposit: 0, withdraw: 1, transferIn: 2, transferOut: 3 },
);
export const CANCEL_REASON = enumeration<CancelReason>('cancel reason', {
  user: 0,
  cancelAll: 1,
  ioc: 2,
  expired: 3,
  selfTrade: 4,
  marketClosed: 5,
  paused: 6,
  protection: 7,
  positionLimit: 8,
  reduceOnly: 9,
  decreasedToZero: 10,
  noLiquidity: 11,
  orderGroup: 12,
  circuitBreaker: 13,
  accountFrozen: 14,
});
/** Reject codes by their position in the catalogue, which only ever grows at the end. */
export const REJECT_CODE: Enumeration<RejectCode> = enumeration<RejectCode>(
  'reject code',
  Object.fromEntries(REJECT_CODES.map((c, i) => [c, i])) as Record<RejectCode, number>,
);

/**
 * How one field is laid out: `int` any safe integer; `str` a string; `bool`; an enumeration; `json`
 * a nested value as JSON text. `optional`: may be absent (a presence bit); `nullable`: may be null.
 */
export type FieldSpec =
  | 'int'
  | 'int?'
  | 'int|null'
  | 'str'
  | 'str?'
  | 'bool'
  | 'bool?'
  | 'json'
  | 'json?'
  | { readonly enum: Enumeration<string>; readonly optional?: true };

/**
 * Every field of a message but its `type` (and a command's `seq` and `ts`, which all carry). A
 * command's optional `actor` (the admin who issued it, for the audit trail) has no binary place: the
 * rare command that carries one is written as JSON (see `writeCommand`).
 */
export type FieldsOf<T> = {
  readonly [K in Exclude<keyof T, 'type' | 'seq' | 'ts' | 'actor'>]-?: FieldSpec;
};

/** Presence bit `i` of an optional field's value (absent = undefined). */
export function has(v: unknown, i: number): number {
  return v === undefined ? 0 : 1 << i;
}
