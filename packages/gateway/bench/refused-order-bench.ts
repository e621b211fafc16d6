// What a refused order costs the submitting thread while the core is overloaded (every order past its
// queue bound gets OVERLOADED): the core's refusal, the gateway's answer to it (`toApiError`) and
// the error reply's text, for place orders submitted 200 a turn as a busy socket's would be. A core
// with a queue bound of 0 refuses every one. Printed per refused order: V8 young-generation bytes
// (`GcSampler`) and CPU time.
//
//   node --max-semi-space-size=64 --single-threaded-gc packages/gateway/bench/refused-order-bench.ts [--orders 500000] [--rounds 3]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type CommandInput, createGcMetrics, GcSampler, openExchangeCore } from '@bourse/core';
import { toApiError } from '../src/http/http-pipeline.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '500000' },
    rounds: { type: 'string', default: '3' },
  },
});
const ORDERS = Number(values.orders);
const PER_TURN = 200;

const dataDir = mkdtempSync(join(tmpdir(), 'bourse-refused-bench-'));
const core = await openExchangeCore({ dataDir, maxQueuedCommands: 0 });
const order = {
  type: 'placeOrder',
  accountId: 1,
  instrumentId: 1,
  side: 'buy',
  orderType: 'limit',
  qtyLots: 100,
  tif: 'gtc',
  priceTicks: 5000,
} as CommandInput;
let replied = 0;

async function run(n: number): Promise<void> {
  for (let i = 0; i < n; i += PER_TURN) {
    const turn: Promise<void>[] = [];
    for (let k = 0; k < PER_TURN; k++) {
      const id = i + k;
      turn.push(
        core.submit(order).then(
          () => {
            throw new Error('a core with a queue bound of 0 acknowledged an order');
          },
          (error: unknown) => {
            replied += JSON.stringify({ type: 'error', id, ...toApiError(error).body() }).length;
          },
        ),
      );
    }
    await Promise.all(turn);
  }
}

try {
  await run(100_000); // compiled before measuring
  for (let round = 1; round <= Number(values.rounds); round++) {
    const gc = createGcMetrics();
    const sampler = new GcSampler(gc, 3_600_000);
    sampler.start();
    const cpu = process.cpuUsage();
    await run(ORDERS);
    const used = process.cpuUsage(cpu);
    gc.refresh();
    sampler.stop();
    const bytes = gc.youngAllocatedBytes / ORDERS;
    const ns = ((used.user + used.system) * 1000) / ORDERS;
    console.log(
      `round ${round}: ${bytes.toFixed(0)} young bytes and ${ns.toFixed(0)} ns of CPU per refused order`,
    );
  }
  if (replied === 0) throw new Error('nothing answered');
} finally {
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
}
