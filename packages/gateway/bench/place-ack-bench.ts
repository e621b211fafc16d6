// What a WebSocket place ack costs the gateway thread: the ack built from the applied command
// (`orderAck`), its JSON written (`placeAckBytes`) and framed with the others of its batch into one
// buffer (`textFrames`, 20 a write), for an order filled by one maker as in `bourse loadtest --mode
// ws`. Printed per ack: V8 young-generation bytes allocated (`GcSampler`, which the server's
// /metrics uses too) and CPU time.
//
//   node --max-semi-space-size=64 --single-threaded-gc packages/gateway/bench/place-ack-bench.ts [--acks 2000000] [--rounds 3]

import { parseArgs } from 'node:util';
import { type AppliedCommand, createGcMetrics, GcSampler } from '@bourse/core';
import { orderAck } from '../src/api/order-entry.ts';
import { placeAckBytes } from '../src/ws/socket-orders.ts';
import { textFrames } from '../src/ws/text-frame.ts';

const { values } = parseArgs({
  options: {
    acks: { type: 'string', default: '2000000' },
    rounds: { type: 'string', default: '3' },
  },
});
const ACKS = Number(values.acks);
const PER_WRITE = 20;

function filled(i: number): AppliedCommand {
  const orderId = 1_000_000 + i;
  return {
    seq: orderId,
    ts: 1_765_000_000_000 + i,
    command: { type: 'placeOrder', orderId } as never,
    events: [
      { type: 'orderAccepted', orderId, qtyLots: 100 },
      {
        type: 'fill',
        tradeId: 500_000 + i,
        instrumentId: 1,
        takerOrderId: orderId,
        makerOrderId: orderId - 1,
        takerSide: 'buy',
        priceTicks: 5_000,
        qtyLots: 100,
        takerFee: 0,
        makerFee: 0,
        takerOpenQtyLots: 0,
        makerOpenQtyLots: 0,
      },
    ] as never,
  };
}

const applied = Array.from({ length: 1024 }, (_, i) => filled(i));
const batch: Buffer[] = [];
let written = 0;

function run(n: number): void {
  for (let i = 0; i < n; i++) {
    batch.push(placeAckBytes(i, orderAck(applied[i & 1023]!, 'LOAD-TEST-YES')));
    if (batch.length === PER_WRITE) {
      written += textFrames(batch).length;
      batch.length = 0;
    }
  }
}

run(300_000); // compiled before measuring
for (let round = 1; round <= Number(values.rounds); round++) {
  const gc = createGcMetrics();
  const sampler = new GcSampler(gc, 3_600_000);
  sampler.start();
  const cpu = process.cpuUsage();
  run(ACKS);
  const used = process.cpuUsage(cpu);
  gc.refresh();
  sampler.stop();
  const bytes = gc.youngAllocatedBytes / ACKS;
  const ns = ((used.user + used.system) * 1000) / ACKS;
  console.log(
    `round ${round}: ${bytes.toFixed(0)} young bytes and ${ns.toFixed(0)} ns of CPU per ack (${gc.pauseSeconds.scavenge.count} scavenges)`,
  );
}
if (written === 0) throw new Error('nothing written');
