// What a refused order costs the gateway thread. `--by core` (default): the core is overloaded (every
// order past its queue bound gets OVERLOADED): the core's refusal, the gateway's answer to it
// (`toApiError`) and the error reply's text, for place orders submitted 200 a turn as a busy
// socket's would be; a core with a queue bound of 0 refuses every one. `--by rate-limit`: the
// socket's key is out of tokens, and each message gets the RATE_LIMITED answer thrown and caught as
// the socket's message handler does, and its reply's text. Printed per refused order: V8
// young-generation bytes (`GcSampler`) and CPU time.
//
//   node --max-semi-space-size=64 --single-threaded-gc packages/gateway/bench/refused-order-bench.ts [--by core|rate-limit] [--orders 500000] [--rounds 3]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type CommandInput, createGcMetrics, GcSampler, openExchangeCore } from '@bourse/core';
import { TokenBuckets } from '../src/auth/token-bucket.ts';
import { ApiError } from '../src/error-catalogue.ts';
import { toApiError } from '../src/http/http-pipeline.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '500000' },
    rounds: { type: 'string', default: '3' },
    by: { type: 'string', default: 'core' },
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

const buckets = new TokenBuckets();
const noTokens = { capacity: 0, refillPerSecond: 1 };

/** As `WsGateway`'s message handler answers a message over its key's rate limit. */
function rateLimited(n: number): void {
  for (let id = 0; id < n; id++) {
    try {
      const r = buckets.take('key:1', noTokens, Date.now());
      if (!r.ok) throw new ApiError('RATE_LIMITED', undefined, { retryAfter: r.retryAfterSeconds });
    } catch (error) {
      replied += JSON.stringify({ type: 'error', id, ...toApiError(error).body() }).length;
    }
  }
}

async function run(n: number): Promise<void> {
  if (values.by === 'rate-limit') return rateLimited(n);
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
