// The gateway thread's CPU per WebSocket order at a fixed number of orders in flight: a fresh server
// as `bourse loadtest` starts it, four sockets each sending a burst of `--burst` crossing orders and
// the next burst only once every ack of the last one is back. With the same orders in flight every
// engine batch, journal commit and ack write carries about the same number of orders whatever the
// machine's load, so the gateway thread's CPU per order (Linux /proc: user and system apart) compares
// two revisions more steadily than an open-loop rate, whose batches grow when the machine is slow;
// and comparing bursts says how much of that CPU is per order and how much per batch.
//
//   node bench/server/closed-loop-orders.ts [--orders 200000] [--burst 50]
//
// Prints one JSON line; the first half as many orders again run before the measured ones (warm-up).

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { RequestSigner } from '@bourse/client';
import { startLocalTarget } from '../../apps/bourse/src/loadtest/loadtest-target.ts';
import { openWireSocket, type WireSocket } from '../../apps/bourse/src/loadtest/ws-wire-client.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '200000' },
    burst: { type: 'string', default: '50' },
  },
});
const ORDERS = Number(values.orders);
const BURST = Number(values.burst);
const SOCKETS = 4;
const WS_PATH = '/api/v1/ws';
/** Linux reports thread times in clock ticks of 10 ms. */
const TICK_US = 10_000;

/** The main (gateway) thread's user and system clock ticks. */
function gatewayTicks(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(f[11]), system: Number(f[12]) };
}

const target = await startLocalTarget();
const pid = target.pid;
if (pid === undefined) throw new Error('the server was not started here');
const prefix = Buffer.from('{"op":"place","id":');
const suffixes = ['buy', 'sell'].map((side) =>
  Buffer.from(
    `,"order":{"market":"${target.market}","side":"${side}","priceTicks":5000,"qtyLots":100}}`,
  ),
);
const sockets: WireSocket[] = [];
const waiting = new Array<number>(SOCKETS).fill(0);
let nextId = 0;
let limit = 0;
let acked = 0;
let errors = 0;
let allAcked: () => void = () => {};

function sendBurst(c: number): void {
  const n = Math.min(BURST, limit - nextId);
  if (n <= 0) return;
  for (let k = 0; k < n; k++) sockets[c]!.queueText(prefix, nextId++, suffixes[c % 2]!);
  waiting[c] = n;
  sockets[c]!.flush();
}

for (let c = 0; c < SOCKETS; c++) {
  const headers = new RequestSigner(target.users[c % 2]!).headers('GET', WS_PATH, Date.now() + c);
  const onText = (payload: Buffer): void => {
    // `{"type":"error"` against `{"type":"ack"`: the tenth byte tells them apart.
    if (payload[9] === 0x65) errors++;
    acked++;
    if (--waiting[c]! > 0) return;
    if (nextId < limit) sendBurst(c);
    else if (waiting.every((w) => w === 0)) allAcked();
  };
  sockets.push(await openWireSocket(new URL(target.url), WS_PATH, onText, headers));
}

async function run(n: number): Promise<void> {
  limit = nextId + n;
  const done = new Promise<void>((resolve) => {
    allAcked = resolve;
  });
  for (let c = 0; c < SOCKETS; c++) sendBurst(c);
  await done;
}

try {
  await run(Math.floor(ORDERS / 2));
  const from = gatewayTicks(pid);
  const started = performance.now();
  const ackedBefore = acked;
  await run(ORDERS);
  const seconds = (performance.now() - started) / 1000;
  const to = gatewayTicks(pid);
  const measured = acked - ackedBefore;
  const perOrder = (ticks: number) => Math.round(((ticks * TICK_US) / measured) * 100) / 100;
  const user = perOrder(to.user - from.user);
  const system = perOrder(to.system - from.system);
  console.log(
    JSON.stringify({
      orders: measured,
      inFlight: BURST * SOCKETS,
      ordersPerSecond: Math.round(measured / seconds),
      gatewayCpuUsPerOrder: Math.round((user + system) * 100) / 100,
      user,
      system,
      errors,
    }),
  );
} finally {
  for (const s of sockets) s.close();
  await target.stop();
}
