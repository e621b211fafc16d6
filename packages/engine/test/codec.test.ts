// The binary codec of commands and events: random messages built from each case's field
// descriptions round-trip exactly (binary when every field fits, JSON when one does not, decoding
// to what JSON would give); every event a simulated engine run emits decodes to an equal object;
// garbage and truncated bytes decode to a CodecError, never an exception. A failure names the seed:
// `SEED=<seed> node --test <this file>`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ByteReader,
  ByteWriter,
  COMMAND_CASES,
  type Command,
  CommandBatchReader,
  CodecError,
  decodeCommand,
  decodeCommandBatch,
  decodeCommandEvents,
  decodeEventBatch,
  EVENT_CASES,
  Engine,
  type EngineEvent,
  encodeCommand,
  type FieldSpec,
  RECORD_BINARY,
  RECORD_JSON,
  writeCommand,
  writeCommandEvents,
  writeFramedRecord,
} from '../src/index.ts';
import { CommandGenerator } from './support/command-generator.ts';
import { Prng, seedFromEnv } from './support/prng.ts';

const SEED = seedFromEnv(20_261_206);
const ROUNDS = 2_000;

function randomInt(rng: Prng): number {
  switch (rng.int(0, 5)) {
    case 0:
      return rng.int(0, 63);
    case 1:
      return rng.int(-64, 64);
    case 2:
      return rng.int(0, 0xffffffff) - 0x80000000;
    case 3:
      return (rng.int(0, 0x1fffff) * 0x1_0000_0000 + rng.next()) * (rng.chance(0.5) ? 1 : -1);
    case 4:
      return rng.pick([0, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1_700_000_000_000]);
    default:
      return rng.int(0, 100_000);
  }
}

const ALPHABET = ['a', 'Z', '0', '-', '_', ' ', '"', '\\', '\n', 'é', '€', '中', '😀', '\u0000'];

function randomString(rng: Prng): string {
  const n = rng.chance(0.1) ? rng.int(60, 200) : rng.int(0, 12);
  let s = '';
  for (let i = 0; i < n; i++) s += rng.chance(0.8) ? ALPHABET[rng.int(0, 4)] : rng.pick(ALPHABET);
  return s;
}

/** A value for a field as its description allows, or `absent` for an optional one left out. */
function randomValue(rng: Prng, spec: FieldSpec): unknown {
  const absent = Symbol.for('absent');
  if (typeof spec === 'object') {
    if (spec.optional && rng.chance(0.3)) return absent;
    return rng.pick(spec.enum.values);
  }
  if (spec.endsWith('?') && rng.chance(0.4)) return absent;
  if (spec === 'json' && rng.chance(0.2)) return null;
  switch (spec) {
    case 'int':
    case 'int?':
      return randomInt(rng);
    case 'int|null':
      return rng.chance(0.4) ? null : randomInt(rng);
    case 'str':
    case 'str?':
      return randomString(rng);
    case 'bool':
    case 'bool?':
      return rng.chance(0.5);
    case 'json':
    case 'json?':
      return {
        kind: 'binary',
        symbol: randomString(rng),
        fees: { kind: 'none' },
        n: randomInt(rng),
      };
  }
}

function randomMessage(
  rng: Prng,
  type: string,
  fields: Readonly<Record<string, FieldSpec>>,
): Record<string, unknown> {
  const message: Record<string, unknown> = { type };
  for (const [name, spec] of Object.entries(fields)) {
    const value = randomValue(rng, spec);
    if (value !== Symbol.for('absent')) message[name] = value;
  }
  return message;
}

function randomCommand(rng: Prng): Command {
  const type = rng.pick(Object.keys(COMMAND_CASES)) as keyof typeof COMMAND_CASES;
  const body = randomMessage(rng, type, COMMAND_CASES[type].fields);
  return { ...body, seq: rng.int(1, 2 ** 31), ts: rng.int(0, 2 ** 32) * 1000 } as Command;
}

/** What a JSON journal would hand the engine for this value. */
function viaJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

test('random commands round-trip exactly through binary records', () => {
  const rng = new Prng(SEED);
  for (let i = 0; i < ROUNDS; i++) {
    const command = randomCommand(rng);
    const record = encodeCommand(command);
    const decoded = decodeCommand(record);
    const expectJson = viaJson(command);
    assert.deepStrictEqual(decoded, expectJson, `seed ${SEED} round ${i}`);
    assert.equal(record[0], RECORD_BINARY, `${command.type} is binary`);
  }
});

const GARBAGE: readonly unknown[] = [
  1.5,
  Number.NaN,
  null,
  'x',
  {},
  [],
  true,
  2 ** 60,
  -0.5,
  '\ud800',
];

test('a command a field of which the layout cannot hold is journaled as JSON and reads back as JSON would', () => {
  const rng = new Prng(SEED + 1);
  for (let i = 0; i < ROUNDS; i++) {
    const command = randomCommand(rng) as unknown as Record<string, unknown>;
    const names = Object.keys(command).filter((k) => k !== 'type');
    command[rng.pick(names)] = rng.pick(GARBAGE);
    const record = encodeCommand(command as unknown as Command);
    assert.deepStrictEqual(decodeCommand(record), viaJson(command), `seed ${SEED + 1} round ${i}`);
  }
  const extra = { type: 'tick', seq: 1, ts: 2, note: 'kept' } as unknown as Command;
  assert.equal(encodeCommand(extra)[0], RECORD_JSON);
  assert.deepStrictEqual(decodeCommand(encodeCommand(extra)), extra);
  const unknown = { type: 'launchRocket', seq: 1, ts: 2, fuel: 3 } as unknown as Command;
  assert.equal(encodeCommand(unknown)[0], RECORD_JSON);
  assert.deepStrictEqual(decodeCommand(encodeCommand(unknown)), unknown);
});

test('a JSON record written before the binary layout decodes as before', () => {
  const command = {
    type: 'deposit',
    seq: 7,
    ts: 1_700_000_000_000,
    accountId: 1,
    assetId: 1,
    amount: 5,
  };
  const text = new TextEncoder().encode(JSON.stringify(command));
  const record = new Uint8Array(text.length + 1);
  record[0] = RECORD_JSON;
  record.set(text, 1);
  assert.deepStrictEqual(decodeCommand(record), command);
});

test('random events round-trip exactly', () => {
  const rng = new Prng(SEED + 2);
  const types = Object.keys(EVENT_CASES) as (keyof typeof EVENT_CASES)[];
  const batch: EngineEvent[][] = [];
  const w = new ByteWriter(16);
  for (let i = 0; i < ROUNDS; i++) {
    const events: EngineEvent[] = [];
    for (let k = rng.int(0, 5); k > 0; k--) {
      const type = rng.pick(types);
      const event = randomMessage(rng, type, EVENT_CASES[type].fields);
      // `clientOrderId`, `stopPriceTicks` and `expiresAt` of an acceptance are always keys.
      if (type === 'orderAccepted') {
        for (const key of ['clientOrderId', 'stopPriceTicks', 'expiresAt'])
          event[key] ??= undefined;
      }
      events.push(
        (type === 'instrumentCreated' ? viaJson(event) : event) as unknown as EngineEvent,
      );
    }
    batch.push(events);
    writeCommandEvents(w, events);
  }
  const decoded = decodeEventBatch(w.finish());
  assert.ok(Array.isArray(decoded));
  for (let i = 0; i < batch.length; i++) {
    assert.deepStrictEqual(decoded[i], batch[i], `seed ${SEED + 2} round ${i}`);
  }
});

test('every event of a simulated run decodes to an equal object; its commands too', () => {
  const rng = new Prng(SEED + 3);
  const engine = new Engine({ feeAccountId: 0, maxOpenOrdersPerAccount: 150 });
  const generator = new CommandGenerator(rng, 20, 3, 2);
  const commands = new ByteWriter();
  const events = new ByteWriter();
  const sent: Command[] = [];
  const emitted: EngineEvent[][] = [];
  for (let i = 0; i < 20_000; i++) {
    const { command } = generator.next();
    const out = engine.apply(command);
    generator.observe(out);
    sent.push(command);
    emitted.push([...out]);
    writeFramedRecord(commands, encodeCommand(command));
    writeCommandEvents(events, out);
  }
  const eventBytes = events.finish();
  const decodedEvents = decodeEventBatch(eventBytes);
  const decodedCommands = decodeCommandBatch(commands.finish());
  assert.ok(Array.isArray(decodedEvents) && Array.isArray(decodedCommands));
  assert.equal(decodedEvents.length, emitted.length);
  assert.equal(decodedCommands.length, sent.length);
  // One command at a time, so a failure shows one small difference.
  for (let i = 0; i < sent.length; i++) {
    assert.deepStrictEqual(decodedEvents[i], emitted[i], `events of command ${i}`);
    assert.deepStrictEqual(decodedCommands[i], viaJsonUnlessBinary(sent[i]!), `command ${i}`);
  }
  // One command's entry of the batch decodes alone (as a cluster node reads it), and only whole.
  const one = new ByteWriter();
  writeCommandEvents(one, emitted[7]!);
  const entry = one.finish();
  const prefix = eventBytes.length;
  const both = new Uint8Array(prefix + entry.length);
  both.set(eventBytes);
  both.set(entry, prefix);
  assert.deepStrictEqual(decodeCommandEvents(both, prefix, both.length), emitted[7]);
  assert.ok(decodeCommandEvents(both, prefix, both.length - 1) instanceof CodecError);
  assert.ok(decodeCommandEvents(both, 0, prefix) instanceof CodecError, 'more than one entry');
});

/** A command that went binary decodes to itself; one that fell back to JSON to what JSON gives. */
function viaJsonUnlessBinary(command: Command): Command {
  return encodeCommand(command)[0] === RECORD_BINARY && command.type !== 'createInstrument'
    ? command
    : viaJson(command);
}

test('garbage, truncated and corrupted bytes decode to a CodecError, never an exception', () => {
  const rng = new Prng(SEED + 4);
  const w = new ByteWriter();
  for (let i = 0; i < 200; i++) writeFramedRecord(w, encodeCommand(randomCommand(rng)));
  const good = w.finish();
  let errors = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const bytes = good.slice(rng.int(0, good.length - 1), rng.int(0, good.length));
    for (let k = rng.int(0, 3); k > 0 && bytes.length > 0; k--) {
      bytes[rng.int(0, bytes.length - 1)] = rng.int(0, 255);
    }
    const random = Uint8Array.from({ length: rng.int(0, 40) }, () => rng.int(0, 255));
    for (const input of [bytes, random]) {
      const one = decodeCommand(input);
      const events = decodeEventBatch(input);
      const reader = new CommandBatchReader(input);
      let last: unknown;
      for (let n = 0; n < 1_000; n++) {
        last = reader.next();
        if (last === undefined || last instanceof CodecError) break;
      }
      for (const r of [one, events, last]) if (r instanceof CodecError) errors++;
    }
  }
  assert.ok(errors > ROUNDS, `garbage was recognised as such (${errors} errors)`);
  assert.ok(decodeCommand(new Uint8Array([RECORD_BINARY, 99])) instanceof CodecError);
  assert.ok(decodeCommand(new Uint8Array([9])) instanceof CodecError);
  assert.ok(decodeCommand(new Uint8Array([])) instanceof CodecError);
  assert.ok(decodeEventBatch(new Uint8Array([0xff, 0xff, 0xff, 0x7f])) instanceof CodecError);
});

test('a command or event type without a codec case does not compile', () => {
  type Extra = Command['type'] | 'newCommand';
  // @ts-expect-error COMMAND_CASES lacks 'newCommand', so a union that has it is not covered
  const commands: { readonly [K in Extra]: unknown } = COMMAND_CASES;
  type ExtraEvent = EngineEvent['type'] | 'newEvent';
  // @ts-expect-error EVENT_CASES lacks 'newEvent'
  const events: { readonly [K in ExtraEvent]: unknown } = EVENT_CASES;
  assert.ok(commands && events);
});

test('records written one after another into one writer are each a whole record', () => {
  const rng = new Prng(SEED + 5);
  const w = new ByteWriter(8);
  const offsets: [number, number, Command][] = [];
  for (let i = 0; i < 100; i++) {
    const command = randomCommand(rng);
    const start = w.pos;
    writeCommand(w, command);
    offsets.push([start, w.pos, command]);
  }
  for (const [start, end, command] of offsets) {
    assert.deepStrictEqual(decodeCommand(w.buf, start, end), viaJsonUnlessBinary(command));
  }
});

const BIG = 2 ** 40 + 7;

/** One command's events in the variable-length layouts of tags 14, 15, 16, 18, 19 and 20. */
function varintLayoutBatch(): Uint8Array {
  const big = BIG;
  const w = new ByteWriter(16);
  // Tags 14, 15, 16, 18, 19, 20: the fields as variable-length integers, codes as one byte.
  w.uint(6);
  w.u8(14);
  for (const v of [101, 3]) w.int(v);
  w.u8(1);
  for (const v of [4_250, 7]) w.int(v);
  w.u8(15);
  for (const v of [9, 3, 101, 88, 12, 13]) w.int(v);
  w.u8(0);
  for (const v of [4_250, 5, 21, -4, 0, 2]) w.int(v);
  w.u8(16);
  for (const v of [101, 12, 3]) w.int(v);
  w.u8(2);
  w.int(2);
  w.u8(18);
  w.int(3);
  w.u8(1);
  for (const v of [4_250, 9, 2]) w.int(v);
  w.u8(19);
  for (const v of [12, 1, big, -big]) w.int(v);
  w.u8(20);
  for (const v of [12, 3, -5, -big, big, 17]) w.int(v);
  return w.finish();
}

/** What `varintLayoutBatch` holds. */
function varintLayoutEvents(): EngineEvent[][] {
  const big = BIG;
  return [
    [
      {
        type: 'orderRested',
        orderId: 101,
        instrumentId: 3,
        side: 'sell',
        priceTicks: 4_250,
        openQtyLots: 7,
      },
      {
        type: 'fill',
        tradeId: 9,
        instrumentId: 3,
        takerOrderId: 101,
        makerOrderId: 88,
        takerAccountId: 12,
        makerAccountId: 13,
        takerSide: 'buy',
        priceTicks: 4_250,
        qtyLots: 5,
        takerFee: 21,
        makerFee: -4,
        takerOpenQtyLots: 0,
        makerOpenQtyLots: 2,
      },
      {
        type: 'orderCancelled',
        orderId: 101,
        accountId: 12,
        instrumentId: 3,
        reason: 'ioc',
        cancelledQtyLots: 2,
      },
      {
        type: 'bookLevel',
        instrumentId: 3,
        side: 'sell',
        priceTicks: 4_250,
        qtyLots: 9,
        orderCount: 2,
      },
      { type: 'balanceChanged', accountId: 12, assetId: 1, available: big, reserved: -big },
      {
        type: 'positionChanged',
        accountId: 12,
        instrumentId: 3,
        positionLots: -5,
        costBasis: -big,
        realisedPnl: big,
        feesPaid: 17,
      },
    ],
  ];
}

test('events written in the variable-length layouts before the fixed-width ones decode as before', () => {
  assert.deepStrictEqual(decodeEventBatch(varintLayoutBatch()), varintLayoutEvents());
});

test('unsigned integers of every length read back, on both sides of the 28-bit step', () => {
  const values = [0, 1, 127, 128, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31, 2 ** 35 + 5];
  values.push(1_765_000_000_123, 2 ** 49 - 1, 2 ** 49, Number.MAX_SAFE_INTEGER);
  const w = new ByteWriter(8);
  for (const v of values) w.uint(v);
  const r = new ByteReader(w.buf.subarray(0, w.pos));
  assert.deepEqual(
    values.map(() => r.uint()),
    values,
  );
  // Nine bytes still continuing, and a value past 2^53 − 1, are refused, not rounded.
  const long = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x81, 0x01]);
  assert.throws(() => new ByteReader(long).uint(), CodecError);
  const unsafe = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
  assert.throws(() => new ByteReader(unsafe).uint(), CodecError);
  assert.throws(
    () => new ByteReader(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80])).uint(),
    CodecError,
  );
});
