// What a WebSocket order frame costs the gateway thread before the core hands it to the engine: the
// frame's JSON read (`JSON.parse`), the order checked against `PlaceOrderBody` and made a command
// (`placeOrderCommand`), then stamped and encoded as its journal record into the core's arena
// (`buildCommand`, as `submit` does), for the frames `bourse loadtest --mode ws` sends. Printed per
// frame: V8 young-generation bytes allocated (`GcSampler`) and CPU time; `--only parse|check|record`
// times one step alone.
//
//   node --max-semi-space-size=64 --single-threaded-gc packages/gateway/bench/order-frame-bench.ts [--frames 2000000] [--rounds 3]

import { parseArgs } from 'node:util';
import { createGcMetrics, GcSampler } from '@bourse/core';
import { CENTS_BINARY_GRID, type InstrumentSpec } from '@bourse/engine';
import type { MarketState } from '@bourse/marketdata';
import { PlaceOrderBody } from '@bourse/protocol';
import { buildCommand, RecordArena } from '../../core/src/command-codec.ts';
import { placeOrderCommand } from '../src/api/order-entry.ts';
import { validatorFor } from '../src/http/schema-validator.ts';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '2000000' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
});
const FRAMES = Number(values.frames);

const spec = {
  kind: 'binary',
  instrumentId: 1,
  symbol: 'LOAD-TEST-YES',
  seriesTicker: 'LOAD',
  eventTicker: 'LOAD-TEST',
  title: 'Load test',
  settlementAssetId: 1,
  ...CENTS_BINARY_GRID,
  fees: { kind: 'none' },
  limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
} as InstrumentSpec;
const market = { spec, status: 'open' } as MarketState;
const frames = Array.from({ length: 1024 }, (_, i) =>
  Buffer.from(
    `{"op":"place","id":${1_000_000 + i},"order":{"market":"LOAD-TEST-YES","side":"${
      i % 2 === 0 ? 'buy' : 'sell'
    }","priceTicks":5000,"qtyLots":100}}`,
  ),
);
const orders = frames.map((f) => (JSON.parse(f.toString()) as { order: PlaceOrderBody }).order);
const validate = validatorFor(PlaceOrderBody);
const arena = new RecordArena();
const command = placeOrderCommand(7, market, orders[0]!);
let seq = 1;
let sink = 0;

const steps: Record<string, (i: number) => void> = {
  all: (i) => {
    const msg = JSON.parse(frames[i & 1023]!.toString()) as { order: PlaceOrderBody };
    validate(msg.order);
    const built = buildCommand(arena, placeOrderCommand(7, market, msg.order), seq++, seq);
    if (!(built instanceof Error)) sink += built.record.length;
  },
  parse: (i) => {
    sink += (JSON.parse(frames[i & 1023]!.toString()) as { id: number }).id;
  },
  check: (i) => {
    const order = orders[i & 1023]!;
    validate(order);
    sink += placeOrderCommand(7, market, order).type.length;
  },
  record: () => {
    const built = buildCommand(arena, command, seq++, seq);
    if (!(built instanceof Error)) sink += built.record.length;
  },
};
const step = steps[values.only ?? 'all'];
if (step === undefined) throw new Error(`--only ${Object.keys(steps).join('|')}`);

function run(n: number): void {
  for (let i = 0; i < n; i++) step!(i);
}

run(300_000); // compiled before measuring
for (let round = 1; round <= Number(values.rounds); round++) {
  const gc = createGcMetrics();
  const sampler = new GcSampler(gc, 3_600_000);
  sampler.start();
  const cpu = process.cpuUsage();
  run(FRAMES);
  const used = process.cpuUsage(cpu);
  gc.refresh();
  sampler.stop();
  const bytes = gc.youngAllocatedBytes / FRAMES;
  const ns = ((used.user + used.system) * 1000) / FRAMES;
  console.log(
    `round ${round}: ${bytes.toFixed(0)} young bytes and ${ns.toFixed(0)} ns of CPU per frame (${values.only ?? 'all'})`,
  );
}
if (sink === 0) throw new Error('nothing built');
