// One gateway's remote core at a given order rate, in this process, against a real leader: one `bourse
// cluster node` on a one-member etcd in tmpfs (so the disk of a shared machine does not set the
// leader's pace) and a real nats-server. Orders are submitted the way `bourse loadtest` sends them
// (every millisecond or so, what is due), and the figures are this process's CPU per acknowledged
// order (the remote core and the driver), the NATS messages it published and received per order, and
// the leader's and nats-server's CPU per order (`/proc/<pid>/stat`). Run:
//   npx node bench/cluster/gateway-path.ts [--rate 5000] [--seconds 5] [--submit-spacing-ms N]

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import type { CommandInput } from '@bourse/core';
import { EtcdCluster, NatsServerProcess } from '@bourse/cluster';
import { RemoteExchangeCore, type RemoteReadModels } from '@bourse/remote-core';
import { limitOrder, marketSetup } from '../../packages/core/test/fixtures/market-setup.ts';

import { BOURSE_MAIN } from '../../apps/bourse/src/cluster/spawn-ready.ts';
const TICK_S = 0.01;

function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_S * 1000;
}

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    'submit-spacing-ms': { type: 'string' },
  },
});
const rate = Number(values.rate);
const dir = mkdtempSync('/dev/shm/bourse-gw-path-');
const etcd = await EtcdCluster.start({ dir: join(dir, 'etcd'), members: 1 });
const nats = await NatsServerProcess.start();
const node = spawn(
  process.execPath,
  [
    BOURSE_MAIN,
    'cluster',
    'node',
    '--node-id=n1',
    `--etcd=${etcd.endpoints.join(',')}`,
    `--nats=${nats.url}`,
    `--data-dir=${join(dir, 'n1')}`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
// A node that dies or hangs while starting ends the bench with the reason, not a wait without end.
await new Promise<void>((resolve, reject) => {
  let out = '';
  const timer = setTimeout(
    () => reject(new Error('the engine node was not ready in 120 s')),
    120_000,
  );
  node.once('exit', (code) => reject(new Error(`the engine node exited with ${code}`)));
  node.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    if (!out.includes('"event":"ready"')) return;
    clearTimeout(timer);
    resolve();
  });
});
const nc = await connect({ servers: nats.url, noAsyncTraces: true });
const readModels = { close: async () => {} } as unknown as RemoteReadModels;
const spacingMs = values['submit-spacing-ms'];
const core = await RemoteExchangeCore.open({
  nats: nc,
  readModels,
  ...(spacingMs === undefined ? {} : { submitSpacingMs: Number(spacingMs) }),
});
await core.submitBatch(marketSetup(2));

const latencies: number[] = [];
let acked = 0;
let failed = 0;
async function run(seconds: number, measure: boolean): Promise<void> {
  const total = Math.floor(rate * seconds);
  const start = performance.now();
  const pending: Promise<void>[] = [];
  let i = 0;
  while (i < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    for (; i < due; i++) {
      const at = start + (i * 1000) / rate;
      const input: CommandInput = limitOrder(1 + (i % 2), i % 2 === 0 ? 'buy' : 'sell', 5_000, 1);
      pending.push(
        core.submit(input).then(
          () => {
            if (!measure) return;
            acked++;
            latencies.push(performance.now() - at);
          },
          () => void failed++,
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
}

await run(Number(values.warmup), false);
const stats0 = nc.stats();
const cpu0 = process.cpuUsage();
const leader0 = cpuMs(node.pid!);
const nats0 = cpuMs(nats.pid!);
const t0 = performance.now();
await run(Number(values.seconds), true);
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const stats1 = nc.stats();
const per = (n: number) => (n / acked).toFixed(3);
latencies.sort((a, b) => a - b);
const q = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
console.log(
  JSON.stringify({
    rate,
    spacingMs: spacingMs === undefined ? null : Number(spacingMs),
    acked,
    failed,
    gatewayUsPerOrder: Number(((cpu.user + cpu.system) / acked).toFixed(2)),
    gatewaySystemUsPerOrder: Number((cpu.system / acked).toFixed(2)),
    leaderUsPerOrder: Number((((cpuMs(node.pid!) - leader0) * 1000) / acked).toFixed(2)),
    natsUsPerOrder: Number((((cpuMs(nats.pid!) - nats0) * 1000) / acked).toFixed(2)),
    publishedPerOrder: Number(per(stats1.outMsgs - stats0.outMsgs)),
    receivedPerOrder: Number(per(stats1.inMsgs - stats0.inMsgs)),
    requestsPerSecond: Math.round(((stats1.outMsgs - stats0.outMsgs) * 1000) / wall),
    ackP50Ms: Number(q(0.5).toFixed(2)),
    ackP99Ms: Number(q(0.99).toFixed(2)),
  }),
);
await core.close();
await nc.close();
node.kill('SIGKILL');
await nats.stop();
await etcd.stop();
rmSync(dir, { recursive: true, force: true });
