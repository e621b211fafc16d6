// The one binary encoding of a command: a journal record's payload and an item of the batches the
// core sends its engine thread. A record's first byte is its format: 1 = UTF-8 JSON (every journal
// written before the binary layout, and any command the layout cannot hold exactly: a field of the
// wrong type, a value that is not a safe integer, a field its type does not have, an unknown command), 2 = binary: a tag naming the
// command, seq and ts, then its fields in the order of its `CommandCase`. Decoding either gives the
// command JSON would, so a journal may mix both and replays to the same state.

import type { Command, CommandType } from './commands.ts';
import { AUDIT_NOTE_CASE } from './codec-audit-note.ts';
import { ByteReader, ByteWriter, CodecError, NotEncodable } from './codec-bytes.ts';
import {
  COMMAND_MARKET_STATUS,
  type FieldsOf,
  has,
  ORDER_TYPE,
  RESULT,
  readEnum,
  SIDE,
  STP,
  TIF,
  writeEnum,
} from './codec-fields.ts';

/** Record formats: the first byte of every command record. */
export const RECORD_JSON = 1;
export const RECORD_BINARY = 2;

type CommandOf<K extends CommandType> = Extract<Command, { readonly type: K }>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface CommandCase<K extends CommandType> {
  /** The byte naming the command in a binary record; never reused for another command. */
  readonly tag: number;
  readonly fields: FieldsOf<CommandOf<K>>;
  /** Writes the fields (after tag, seq and ts); throws NotEncodable for a value it cannot hold. */
  readonly write: (w: ByteWriter, c: CommandOf<K>) => void;
  readonly read: (r: ByteReader, seq: number, ts: number) => CommandOf<K>;
}

type Cases = { readonly [K in CommandType]: CommandCase<K> };

const PLACE_ORDER_FIELDS = {
  orderId: 'int',
  accountId: 'int',
  instrumentId: 'int',
  clientOrderId: 'str?',
  side: { enum: SIDE },
  orderType: { enum: ORDER_TYPE },
  priceTicks: 'int?',
  qtyLots: 'int',
  tif: { enum: TIF },
  expiresAt: 'int?',
  postOnly: 'bool?',
  reduceOnly: 'bool?',
  stopPriceTicks: 'int?',
  worstPriceTicks: 'int?',
  maxCost: 'int?',
  stp: { enum: STP, optional: true },
  cancelOnPause: 'bool?',
  orderGroupId: 'int?',
} as const;

// Required fields first, then the optional ones present, in presence-bit order: a decoded command
// has exactly the keys JSON would give it (an absent option is no key, not an undefined one).
function writePlaceOrder(w: ByteWriter, c: CommandOf<'placeOrder'>): void {
  w.uint(
    has(c.clientOrderId, 0) |
      has(c.priceTicks, 1) |
      has(c.expiresAt, 2) |
      has(c.postOnly, 3) |
      has(c.reduceOnly, 4) |
      has(c.stopPriceTicks, 5) |
      has(c.worstPriceTicks, 6) |
      has(c.maxCost, 7) |
      has(c.stp, 8) |
      has(c.cancelOnPause, 9) |
      has(c.orderGroupId, 10),
  );
  w.int(c.orderId);
  w.int(c.accountId);
  w.int(c.instrumentId);
  writeEnum(w, SIDE, c.side);
  writeEnum(w, ORDER_TYPE, c.orderType);
  w.int(c.qtyLots);
  writeEnum(w, TIF, c.tif);
  if (c.clientOrderId !== undefined) w.str(c.clientOrderId);
  if (c.priceTicks !== undefined) w.int(c.priceTicks);
  if (c.expiresAt !== undefined) w.int(c.expiresAt);
  if (c.postOnly !== undefined) w.bool(c.postOnly);
  if (c.reduceOnly !== undefined) w.bool(c.reduceOnly);
  if (c.stopPriceTicks !== undefined) w.int(c.stopPriceTicks);
  if (c.worstPriceTicks !== undefined) w.int(c.worstPriceTicks);
  if (c.maxCost !== undefined) w.int(c.maxCost);
  if (c.stp !== undefined) writeEnum(w, STP, c.stp);
  if (c.cancelOnPause !== undefined) w.bool(c.cancelOnPause);
  if (c.orderGroupId !== undefined) w.int(c.orderGroupId);
}

function readPlaceOrder(r: ByteReader, seq: number, ts: number): CommandOf<'placeOrder'> {
  const m = r.uint();
  // Properties are evaluated in source order, which is the order they were written.
  const c: Mutable<CommandOf<'placeOrder'>> = {
    type: 'placeOrder',
    seq,
    ts,
    orderId: r.int(),
    accountId: r.int(),
    instrumentId: r.int(),
    side: readEnum(r, SIDE),
    orderType: readEnum(r, ORDER_TYPE),
    qtyLots: r.int(),
    tif: readEnum(r, TIF),
  };
  if (m === 0) return c;
  if (m & 1) c.clientOrderId = r.str();
  if (m & 2) c.priceTicks = r.int();
  if (m & 4) c.expiresAt = r.int();
  if (m & 8) c.postOnly = r.bool();
  if (m & 16) c.reduceOnly = r.bool();
  if (m & 32) c.stopPriceTicks = r.int();
  if (m & 64) c.worstPriceTicks = r.int();
  if (m & 128) c.maxCost = r.int();
  if (m & 256) c.stp = readEnum(r, STP);
  if (m & 512) c.cancelOnPause = r.bool();
  if (m & 1024) c.orderGroupId = r.int();
  return c;
}

/** Commands with fields `accountId`, `assetId`, `amount` (and a transfer id). */
function money<K extends 'deposit' | 'withdraw'>(tag: number, type: K): CommandCase<K> {
  return {
    tag,
    fields: { accountId: 'int', assetId: 'int', amount: 'int' } as FieldsOf<CommandOf<K>>,
    write: (w, command) => {
      const c = command as CommandOf<'deposit'>;
      w.int(c.accountId);
      w.int(c.assetId);
      w.int(c.amount);
    },
    read: (r, seq, ts) =>
      ({ type, seq, ts, accountId: r.int(), assetId: r.int(), amount: r.int() }) as CommandOf<K>,
  };
}

function transfer<K extends 'transferIn' | 'transferOut'>(tag: number, type: K): CommandCase<K> {
  return {
    tag,
    fields: { transferId: 'str', accountId: 'int', assetId: 'int', amount: 'int' } as FieldsOf<
      CommandOf<K>
    >,
    write: (w, command) => {
      const c = command as CommandOf<'transferIn'>;
      w.str(c.transferId);
      w.int(c.accountId);
      w.int(c.assetId);
      w.int(c.amount);
    },
    read: (r, seq, ts) =>
      ({
        type,
        seq,
        ts,
        transferId: r.str(),
        accountId: r.int(),
        assetId: r.int(),
        amount: r.int(),
      }) as CommandOf<K>,
  };
}

/** Order-group commands naming an account and a group. */
function groupCase<K extends 'resetOrderGroup' | 'triggerOrderGroup' | 'deleteOrderGroup'>(
  tag: number,
  type: K,
): CommandCase<K> {
  return {
    tag,
    fields: { accountId: 'int', groupId: 'int' } as FieldsOf<CommandOf<K>>,
    write: (w, command) => {
      const c = command as CommandOf<'resetOrderGroup'>;
      w.int(c.accountId);
      w.int(c.groupId);
    },
    read: (r, seq, ts) => ({ type, seq, ts, accountId: r.int(), groupId: r.int() }) as CommandOf<K>,
  };
}

const CASES: Cases = {
  tick: { tag: 1, fields: {}, write: () => {}, read: (_r, seq, ts) => ({ type: 'tick', seq, ts }) },
  placeOrder: { tag: 2, fields: PLACE_ORDER_FIELDS, write: writePlaceOrder, read: readPlaceOrder },
  cancelOrder: {
    tag: 3,
    fields: { accountId: 'int', orderId: 'int?', clientOrderId: 'str?' },
    write: (w, c) => {
      w.uint(has(c.orderId, 0) | has(c.clientOrderId, 1));
      w.int(c.accountId);
      if (c.orderId !== undefined) w.int(c.orderId);
      if (c.clientOrderId !== undefined) w.str(c.clientOrderId);
    },
    read: (r, seq, ts) => {
      const m = r.uint();
      const c: Mutable<CommandOf<'cancelOrder'>> = {
        type: 'cancelOrder',
        seq,
        ts,
        accountId: r.int(),
      };
      if (m & 1) c.orderId = r.int();
      if (m & 2) c.clientOrderId = r.str();
      return c;
    },
  },
  amendOrder: {
    tag: 4,
    fields: { accountId: 'int', orderId: 'int', priceTicks: 'int?', qtyLots: 'int?' },
    write: (w, c) => {
      w.uint(has(c.priceTicks, 0) | has(c.qtyLots, 1));
      w.int(c.accountId);
      w.int(c.orderId);
      if (c.priceTicks !== undefined) w.int(c.priceTicks);
      if (c.qtyLots !== undefined) w.int(c.qtyLots);
    },
    read: (r, seq, ts) => {
      const m = r.uint();
      const c: Mutable<CommandOf<'amendOrder'>> = {
        type: 'amendOrder',
        seq,
        ts,
        accountId: r.int(),
        orderId: r.int(),
      };
      if (m & 1) c.priceTicks = r.int();
      if (m & 2) c.qtyLots = r.int();
      return c;
    },
  },
  decreaseOrder: {
    tag: 5,
    fields: { accountId: 'int', orderId: 'int', byLots: 'int' },
    write: (w, c) => {
      w.int(c.accountId);
      w.int(c.orderId);
      w.int(c.byLots);
    },
    read: (r, seq, ts) => ({
      type: 'decreaseOrder',
      seq,
      ts,
      accountId: r.int(),
      orderId: r.int(),
      byLots: r.int(),
    }),
  },
  cancelAll: {
    tag: 6,
    fields: { accountId: 'int', instrumentId: 'int?' },
    write: (w, c) => {
      w.uint(has(c.instrumentId, 0));
      w.int(c.accountId);
      if (c.instrumentId !== undefined) w.int(c.instrumentId);
    },
    read: (r, seq, ts) => {
      const m = r.uint();
      const c: Mutable<CommandOf<'cancelAll'>> = { type: 'cancelAll', seq, ts, accountId: r.int() };
      if (m & 1) c.instrumentId = r.int();
      return c;
    },
  },
  createAsset: {
    tag: 7,
    fields: { assetId: 'int', code: 'str', scale: 'int' },
    write: (w, c) => {
      w.int(c.assetId);
      w.str(c.code);
      w.int(c.scale);
    },
    read: (r, seq, ts) => ({
      type: 'createAsset',
      seq,
      ts,
      assetId: r.int(),
      code: r.str(),
      scale: r.int(),
    }),
  },
  createAccount: {
    tag: 8,
    fields: { accountId: 'int', userId: 'int', subaccount: 'int' },
    write: (w, c) => {
      w.int(c.accountId);
      w.int(c.userId);
      w.int(c.subaccount);
    },
    read: (r, seq, ts) => ({
      type: 'createAccount',
      seq,
      ts,
      accountId: r.int(),
      userId: r.int(),
      subaccount: r.int(),
    }),
  },
  deposit: money(9, 'deposit'),
  withdraw: money(10, 'withdraw'),
  transferOut: transfer(11, 'transferOut'),
  transferIn: transfer(12, 'transferIn'),
  createInstrument: {
    tag: 13,
    // A nested, growing structure on a rare command: its spec travels as JSON text.
    fields: { spec: 'json' },
    write: (w, c) => w.str(jsonText(c.spec)),
    read: (r, seq, ts) => ({ type: 'createInstrument', seq, ts, spec: JSON.parse(r.str()) }),
  },
  setMarketStatus: {
    tag: 14,
    fields: { instrumentId: 'int', status: { enum: COMMAND_MARKET_STATUS } },
    write: (w, c) => {
      w.int(c.instrumentId);
      writeEnum(w, COMMAND_MARKET_STATUS, c.status);
    },
    read: (r, seq, ts) => ({
      type: 'setMarketStatus',
      seq,
      ts,
      instrumentId: r.int(),
      status: readEnum(r, COMMAND_MARKET_STATUS),
    }),
  },
  scheduleMarket: {
    tag: 15,
    fields: { instrumentId: 'int', opensAt: 'int|null', closesAt: 'int|null' },
    write: (w, c) => {
      w.uint((c.opensAt === null ? 0 : 1) | (c.closesAt === null ? 0 : 2));
      w.int(c.instrumentId);
      if (c.opensAt !== null) w.int(c.opensAt);
      if (c.closesAt !== null) w.int(c.closesAt);
    },
    read: (r, seq, ts) => {
      const m = r.uint();
      return {
        type: 'scheduleMarket',
        seq,
        ts,
        instrumentId: r.int(),
        opensAt: m & 1 ? r.int() : null,
        closesAt: m & 2 ? r.int() : null,
      };
    },
  },
  settleMarket: {
    tag: 16,
    fields: { instrumentId: 'int', result: { enum: RESULT }, valueTicks: 'int?' },
    write: (w, c) => {
      w.uint(has(c.valueTicks, 0));
      w.int(c.instrumentId);
      writeEnum(w, RESULT, c.result);
      if (c.valueTicks !== undefined) w.int(c.valueTicks);
    },
    read: (r, seq, ts) => {
      const m = r.uint();
      const c: Mutable<CommandOf<'settleMarket'>> = {
        type: 'settleMarket',
        seq,
        ts,
        instrumentId: r.int(),
        result: readEnum(r, RESULT),
      };
      if (m & 1) c.valueTicks = r.int();
      return c;
    },
  },
  setHalt: {
    tag: 17,
    fields: { halted: 'bool' },
    write: (w, c) => w.bool(c.halted),
    read: (r, seq, ts) => ({ type: 'setHalt', seq, ts, halted: r.bool() }),
  },
  createOrderGroup: {
    tag: 18,
    fields: { accountId: 'int', limitLots: 'int' },
    write: (w, c) => {
      w.int(c.accountId);
      w.int(c.limitLots);
    },
    read: (r, seq, ts) => ({
      type: 'createOrderGroup',
      seq,
      ts,
      accountId: r.int(),
      limitLots: r.int(),
    }),
  },
  setOrderGroupLimit: {
    tag: 19,
    fields: { accountId: 'int', groupId: 'int', limitLots: 'int' },
    write: (w, c) => {
      w.int(c.accountId);
      w.int(c.groupId);
      w.int(c.limitLots);
    },
    read: (r, seq, ts) => ({
      type: 'setOrderGroupLimit',
      seq,
      ts,
      accountId: r.int(),
      groupId: r.int(),
      limitLots: r.int(),
    }),
  },
  setCircuitBreaker: {
    tag: 23,
    // The breaker's settings are a nested structure on a rare command: JSON text (null: none).
    fields: { instrumentId: 'int', breaker: 'json', referencePriceTicks: 'int?' },
    write: (w, c) => {
      w.uint(has(c.referencePriceTicks, 0));
      w.int(c.instrumentId);
      w.str(jsonText(c.breaker));
      if (c.referencePriceTicks !== undefined) w.int(c.referencePriceTicks);
    },
    read: (r, seq, ts) => {
      const m = r.uint();
      const c: Mutable<CommandOf<'setCircuitBreaker'>> = {
        type: 'setCircuitBreaker',
        seq,
        ts,
        instrumentId: r.int(),
        breaker: JSON.parse(r.str()),
      };
      if (m & 1) c.referencePriceTicks = r.int();
      return c;
    },
  },
  setAccountFrozen: {
    tag: 24,
    fields: { accountId: 'int', frozen: 'bool' },
    write: (w, c) => {
      w.int(c.accountId);
      w.bool(c.frozen);
    },
    read: (r, seq, ts) => ({
      type: 'setAccountFrozen',
      seq,
      ts,
      accountId: r.int(),
      frozen: r.bool(),
    }),
  },
  auditNote: AUDIT_NOTE_CASE,
  resetOrderGroup: groupCase(20, 'resetOrderGroup'),
  triggerOrderGroup: groupCase(21, 'triggerOrderGroup'),
  deleteOrderGroup: groupCase(22, 'deleteOrderGroup'),
};

/** Every command's case, for tests that walk them all. */
export const COMMAND_CASES: Cases = CASES;

const BY_TAG: (CommandCase<CommandType> | undefined)[] = [];
/**
 * Each case's field names as a set: a lookup per key of every command encoded (the gateway thread
 * encodes each order), half the cost of asking the fields object (`Object.hasOwn`) per key.
 */
const FIELD_NAMES_BY_TAG: ReadonlySet<string>[] = [];
for (const c of Object.values(CASES) as CommandCase<CommandType>[]) {
  if (BY_TAG[c.tag] !== undefined) throw new Error(`command tag ${c.tag} used twice`);
  BY_TAG[c.tag] = c;
  FIELD_NAMES_BY_TAG[c.tag] = new Set(Object.keys(c.fields));
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function jsonText(v: unknown): string {
  const text = JSON.stringify(v);
  if (typeof text !== 'string') throw new NotEncodable('a value with no JSON form');
  return text;
}

/**
 * Appends one command record to `w`: binary when every field fits the layout, else JSON. Throws only
 * for a command JSON cannot hold either (a cycle, a BigInt).
 */
export function writeCommand(w: ByteWriter, c: Command): void {
  const start = w.pos;
  const known = Object.hasOwn(CASES, c.type) ? CASES[c.type] : undefined;
  if (known !== undefined && onlyKnownFields(c, FIELD_NAMES_BY_TAG[known.tag]!)) {
    try {
      w.u8(RECORD_BINARY);
      w.u8(known.tag);
      w.uint(c.seq);
      w.uint(c.ts);
      (known.write as (w: ByteWriter, c: Command) => void)(w, c);
      return;
    } catch (error) {
      if (!(error instanceof NotEncodable)) throw error;
      w.pos = start;
    }
  }
  w.u8(RECORD_JSON);
  w.bytes(utf8.encode(jsonText(c)));
}

/**
 * Whether every field the command has (JSON's view: own, not undefined) is one its case describes;
 * a field outside them has no binary place, and dropping it would make binary and JSON disagree.
 */
function onlyKnownFields(c: Command, names: ReadonlySet<string>): boolean {
  const record = c as unknown as Record<string, unknown>;
  for (const key in record) {
    if (key === 'type' || key === 'seq' || key === 'ts' || names.has(key)) continue;
    if (record[key] !== undefined && Object.hasOwn(record, key)) return false;
  }
  return true;
}

/** One command as a record of its own. */
export function encodeCommand(c: Command): Uint8Array {
  const w = new ByteWriter(64);
  writeCommand(w, c);
  return w.finish();
}

/** Decodes the record in `bytes[start, end)`; anything malformed is returned as a CodecError. */
export function decodeCommand(
  bytes: Uint8Array,
  start = 0,
  end = bytes.length,
): Command | CodecError {
  try {
    return readCommand(new ByteReader(bytes, start, end));
  } catch (error) {
    return asCodecError(error, start);
  }
}

/**
 * Decodes records one after another through one reader (`decodeCommand` allocates one per call),
 * for replays that read a journal chunk's records in place.
 */
export class CommandDecoder {
  #r = new ByteReader(new Uint8Array(0));

  decode(bytes: Uint8Array, start: number, end: number): Command | CodecError {
    let r = this.#r;
    if (r.buf !== bytes) {
      r = new ByteReader(bytes, start, end);
      this.#r = r;
    }
    r.pos = start;
    r.end = end;
    try {
      return readCommand(r);
    } catch (error) {
      return asCodecError(error, start);
    }
  }
}

/** Reads the record filling the reader up to its end; throws CodecError (inside the codec only). */
export function readCommand(r: ByteReader): Command {
  const format = r.u8();
  if (format === RECORD_BINARY) {
    const known = BY_TAG[r.u8()];
    if (known === undefined) r.fail(`unknown command tag ${r.buf[r.pos - 1]}`);
    const seq = r.uint();
    const ts = r.uint();
    const command = known.read(r, seq, ts);
    if (r.pos !== r.end) r.fail(`${r.end - r.pos} bytes after the command`);
    return command;
  }
  if (format === RECORD_JSON) {
    const value: unknown = JSON.parse(utf8Strict.decode(r.bytes(r.end - r.pos)));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      r.fail('a JSON record that is not an object');
    }
    return value as Command;
  }
  return r.fail(`unknown command record format ${format}`);
}

/** The JSON text of a record of either format (for the cluster's log and tools that show commands). */
export function commandJson(bytes: Uint8Array): string | CodecError {
  if (bytes[0] === RECORD_JSON) {
    try {
      return utf8Strict.decode(bytes.subarray(1));
    } catch (error) {
      return asCodecError(error, 1);
    }
  }
  const command = decodeCommand(bytes);
  return command instanceof CodecError ? command : JSON.stringify(command);
}

export function asCodecError(error: unknown, offset: number): CodecError {
  if (error instanceof CodecError) return error;
  return new CodecError(error instanceof Error ? error.message : String(error), offset);
}
