// The failover rows of the cluster bench: kill -9 a process (the leader engine node, or etcd's Raft
// leader) while a trader sends orders one after another through HAProxy; each sample is kill → the
// first acknowledgement of an order sent after the kill. Each kill also explains itself in one line:
// when a leader's election key left etcd (its lease expired or revoked), when the new leader
// announced itself on NATS, every order the trader sent (when, how long its REST
// call took, how it ended), and where the gateways' requests to the leader waited meanwhile (their
// `bourse_gateway_retry_wait_seconds` and submit stages, read before the kill and after the ack), so
// a slow kill says whether it was the election, a request nothing woke early, or the events after it.

import { metricSum } from '@bourse/protocol/metrics-text';
import { createEtcdClient } from '../../packages/cluster/src/etcd-client.ts';
import { clusterSubjects } from '@bourse/cluster/protocol';
import { RETRY_WAITS } from '@bourse/remote-core';
import type { ClusterState } from '../../apps/bourse/src/cluster/cluster-state.ts';
import { restartProcess } from '../../apps/bourse/src/cluster/cluster-up.ts';
import { connectNats } from '../../apps/bourse/src/cluster/gateway-command.ts';
import { settled } from '../../apps/bourse/test/support/cluster-checks.ts';
import { type Trader, waitGone } from '../../apps/bourse/test/support/cluster-setup.ts';
import { progress } from '../report.ts';

/** One order the trader sent during a kill: ms after the kill, how long its call took, its end. */
interface OrderTry {
  readonly atMs: number;
  readonly tookMs: number;
  readonly outcome: string;
}

/** What the gateways counted (summed over them): per series, observations and seconds. */
type Waits = Map<string, { count: number; seconds: number }>;

/** The gateways' series read per kill: each retry wait, and the submit stages around the leader. */
const SERIES: readonly { family: string; label: string; value: string }[] = [
  ...RETRY_WAITS.map((w) => ({
    family: 'bourse_gateway_retry_wait_seconds',
    label: 'wait',
    value: w,
  })),
  ...['request', 'events'].map((stage) => ({
    family: 'bourse_gateway_submit_stage_seconds',
    label: 'stage',
    value: stage,
  })),
];

async function gatewayWaits(urls: readonly string[]): Promise<Waits> {
  const out: Waits = new Map();
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const s of SERIES) {
      const having = { [s.label]: s.value };
      const got = out.get(s.value) ?? { count: 0, seconds: 0 };
      got.count += metricSum(text, `${s.family}_count`, having);
      got.seconds += metricSum(text, `${s.family}_sum`, having);
      out.set(s.value, got);
    }
  }
  return out;
}

const ms = (x: number) => Math.round(x).toLocaleString('en-US');

/**
 * "kill 3 (node2): 2,031 ms; election key gone at 1,790 ms; leader announced at 1,912 ms (node3); orders +0 ok in 2,030 ms;
 * gateways: no_responders 9 × 0 ms, backoff 9 = 1,905 ms, request 1 = 3 ms, events 1 = 1 ms".
 * `request` and `events` are per command (a submit stage), the waits per attempt or pause.
 */
function killLine(
  k: number,
  victim: string,
  tookMs: number,
  gone: readonly number[],
  announced: readonly { atMs: number; node: string }[],
  orders: readonly OrderTry[],
  before: Waits,
  after: Waits,
): string {
  const keys =
    gone.length === 0
      ? 'no election key gone'
      : `election key gone at ${gone.map((g) => `${ms(g)} ms`).join(', ')}`;
  const leaders =
    announced.length === 0
      ? 'no leader announced'
      : `leader announced at ${announced.map((a) => `${ms(a.atMs)} ms (${a.node})`).join(', ')}`;
  const tries = orders.map((o) => `+${ms(o.atMs)} ${o.outcome} in ${ms(o.tookMs)} ms`).join(', ');
  const waits: string[] = [];
  for (const [name, got] of after) {
    const was = before.get(name) ?? { count: 0, seconds: 0 };
    const count = got.count - was.count;
    if (count <= 0) continue;
    waits.push(`${name} ${count} = ${ms((got.seconds - was.seconds) * 1000)} ms`);
  }
  return (
    `kill ${k} (${victim}): ${ms(tookMs)} ms; ${keys}; ${leaders}; orders ${tries}; ` +
    `gateways: ${waits.join(', ') || 'no waits'}`
  );
}

/**
 * Places orders one after another (client order ids `${id}-0`, `${id}-1`, …) until one sent after
 * `killedAt` is acknowledged; answers kill → that ack in ms. Each order tried goes to `orders`, each acknowledged one's id to `acked`.
 */
async function untilAcked(
  t: Trader,
  market: string,
  id: string,
  killedAt: number,
  orders: OrderTry[],
  acked: number[],
): Promise<number> {
  for (let n = 0; ; n++) {
    const sentAt = performance.now();
    const tried = (outcome: string) =>
      orders.push({ atMs: sentAt - killedAt, tookMs: performance.now() - sentAt, outcome });
    try {
      const ack = (await t.rest.placeOrder({
        market,
        side: 'buy',
        type: 'limit',
        priceTicks: 1_000,
        qtyLots: 100,
        clientOrderId: `${id}-${n}`,
      } as never)) as unknown as { orderId: number };
      acked.push(ack.orderId);
      tried('ok');
      if (sentAt >= killedAt) return performance.now() - killedAt;
    } catch (error) {
      // Not acknowledged during the failover: sent again under a new id.
      tried((error as { code?: string }).code ?? 'error');
    }
  }
}

/** Every kill's time to the first new ack, and the orders acknowledged on the way. */
export interface Kills {
  readonly samples: readonly number[];
  readonly acked: readonly number[];
}

/**
 * Kill -9 `victim()` `kills` times while a trader sends orders to `market` one after another (each
 * with a client order id); each sample is kill → the first acknowledgement of an order sent after the
 * kill. The victim is restarted and the cluster settles before the next kill. `lines` receives each
 * kill's explanation (see `killLine`).
 */
export async function killRepeatedly(
  label: string,
  state: ClusterState,
  t: Trader,
  market: string,
  kills: number,
  victim: () => Promise<string>,
  lines: string[],
): Promise<Kills> {
  const nats = await connectNats(state.natsUrl, 'bench-failover');
  const gateways = Object.entries(state.ports)
    .filter(([name]) => name.startsWith('gateway'))
    .map(([, port]) => `http://127.0.0.1:${port}`);
  let killedAt = 0;
  let announced: { atMs: number; node: string }[] = [];
  const announcements = nats.subscribe(clusterSubjects(state.prefix).leader, {
    callback: (error, msg) => {
      if (error !== null) return;
      const { node } = msg.json<{ node: string }>();
      announced.push({ atMs: performance.now() - killedAt, node });
    },
  });
  const etcd = createEtcdClient(state.etcd);
  let gone: number[] = [];
  const keys = await etcd.watch().prefix(`/${state.prefix}/election/`).create();
  keys.on('delete', () => gone.push(performance.now() - killedAt));
  const samples: number[] = [];
  const acked: number[] = [];
  try {
    for (let k = 0; k < kills; k++) {
      progress(`cluster: ${label} ${k + 1}/${kills}`);
      await settled(nats, 3);
      const name = await victim();
      const entry = state.processes.find((p) => p.name === name)!;
      const before = await gatewayWaits(gateways);
      const orders: OrderTry[] = [];
      announced = [];
      gone = [];
      killedAt = performance.now();
      process.kill(entry.pid, 'SIGKILL');
      const id = `fo-${label.replace(/\W/g, '')}-${k}`;
      samples.push(await untilAcked(t, market, id, killedAt, orders, acked));
      const after = await gatewayWaits(gateways);
      lines.push(
        `${label}, ${killLine(k + 1, name, samples.at(-1)!, gone, announced, orders, before, after)}`,
      );
      await waitGone(entry.pid);
      await restartProcess(state, name);
    }
    await settled(nats, 3);
    return { samples, acked };
  } finally {
    announcements.unsubscribe();
    await keys.cancel().catch(() => {});
    etcd.close();
    await nats.close();
  }
}
