// `bourse loadtest`: end-to-end figures over loopback with the load generator in its own process. By
// default it provisions a temp data directory and starts `bourse serve` as a child process; `--url`
// with `--key-id/--key-file` (twice: two accounts) targets a server that is already running.

import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { LoadTarget } from './loadtest-target.ts';
import { defaultWarmupMs } from './open-loop.ts';
import type { ScavengeBytes, StagePercentiles } from './server-stages.ts';
import { describeWindows, type RunWindow } from './run-windows.ts';
import { LOADTEST_HELP } from '../help-texts.ts';

export async function loadtestCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      mode: { type: 'string', default: 'ws' },
      auth: { type: 'string', default: 'signed' },
      rate: { type: 'string' },
      duration: { type: 'string', default: '5' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      subscribers: { type: 'string', default: '1000' },
      json: { type: 'boolean', default: false },
      windows: { type: 'string' },
      url: { type: 'string' },
      'key-id': { type: 'string', multiple: true },
      'key-file': { type: 'string', multiple: true },
      market: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void process.stdout.write(LOADTEST_HELP);
  const mode = values.mode;
  if (mode !== 'ws' && mode !== 'rest' && mode !== 'fanout')
    throw new Error('--mode ws|rest|fanout');
  const auth = values.auth;
  if (auth !== 'signed' && auth !== 'token') throw new Error('--auth signed|token');
  if (auth === 'token' && mode !== 'rest') throw new Error('--auth token needs --mode rest');
  const durationMs = Math.min(120, Math.max(1, Number(values.duration))) * 1000;
  const defaults = { ws: [20_000, 4], rest: [5_000, 256], fanout: [20, 1] } as const;
  const rate = Number(values.rate ?? defaults[mode][0]);
  const givenWarmupMs =
    values.warmup === undefined
      ? undefined
      : Math.min(60, Math.max(0, Number(values.warmup))) * 1000;
  if (!Number.isFinite(durationMs) || !Number.isFinite(givenWarmupMs ?? 0))
    throw new Error('--duration and --warmup take seconds');
  const connections = Number(values.connections ?? defaults[mode][1]);
  // Modules are loaded by what the run needs: the server a local target provisions and starts is most
  // of the code base (about a CPU-second to load), which a run against a given URL never uses, and
  // the cluster bench counts the load generator's CPU from its start.
  const target =
    values.url === undefined
      ? await (await import('./loadtest-target.ts')).startLocalTarget()
      : remoteTarget(values);
  const warmupMs =
    givenWarmupMs ??
    // Fan-out: each of the few trades a second is sent to every subscriber, so its path is hot
    // within the 2 s; the order count rule is for order entry.
    (mode === 'fanout' ? 2_000 : defaultWarmupMs(rate, target.snapshotEvery));
  const window = { warmupMs, durationMs };
  try {
    let result: unknown;
    if (mode === 'ws') {
      const { wsOrderLoad } = await import('./ws-order-load.ts');
      const windowMs = values.windows === undefined ? 0 : Number(values.windows);
      if (!(windowMs === 0 || (windowMs >= 10 && windowMs <= 10_000)))
        throw new Error('--windows takes ms (10–10,000)');
      result = await wsOrderLoad(target, rate, window, connections, windowMs);
    } else if (mode === 'rest') {
      const { extraSigners, keyAuths, restOrderLoad } = await import('./rest-order-load.ts');
      const signers = await extraSigners(target, Math.max(1, Math.ceil(rate / 2 / 400)));
      // Tokens outlive the run (and the drain after it) with room to spare.
      const ttlSeconds = Math.ceil((warmupMs + durationMs) / 1000) + 600;
      const auths = await keyAuths(target, signers, auth, ttlSeconds);
      result = await restOrderLoad(target, rate, window, connections, auths);
    } else {
      const { fanoutLoad } = await import('./fanout-load.ts');
      result = await fanoutLoad(target, Number(values.subscribers), rate, window);
    }
    const how = mode === 'rest' ? { auth } : {};
    const out = { mode, ...how, rate, warmupMs, durationMs, connections, ...(result as object) };
    process.stdout.write(values.json ? `${JSON.stringify(out)}\n` : describe(out));
  } finally {
    await target.stop();
  }
}

function remoteTarget(values: {
  url?: string;
  'key-id'?: string[];
  'key-file'?: string[];
  market?: string;
}): LoadTarget {
  const ids = values['key-id'] ?? [];
  const files = values['key-file'] ?? [];
  if (ids.length !== 2 || files.length !== 2 || values.market === undefined) {
    throw new Error('with --url give --key-id and --key-file twice (two accounts) and --market');
  }
  return {
    url: values.url!,
    market: values.market,
    users: ids.map((keyId, i) => ({
      keyId,
      privateKey: createPrivateKey(readFileSync(files[i]!)),
    })),
    stop: async () => {},
  };
}

/** The gateway thread's young allocation per acknowledged order of the window. */
function perOrderKb(mb: number, acked: unknown): string {
  const n = Number(acked);
  return n > 0 ? ((mb * 1024) / n).toFixed(2) : '–';
}

function describe(r: Record<string, unknown>): string {
  const lat = r.latencyMs as { p50: number; p99: number; p999: number; max: number };
  const f = (x: number) => x.toFixed(2);
  const head =
    r.mode === 'fanout'
      ? `fan-out: ${r.connected}/${r.subscribers} subscribers, ${r.tradesPerSec} trades/s offered, ${r.deliveries} deliveries`
      : `${r.mode}${r.auth === undefined ? '' : ` (${r.auth})`}: offered ${r.rate}/s for ${Number(r.durationMs) / 1000}s after ${Number(r.warmupMs) / 1000}s of warm-up, over ${r.connections} connections; ` +
        `acknowledged ${r.acked} (${Math.round(Number(r.ackedPerSec))}/s), rejected ${r.rejected}` +
        (Number(r.rejected) > 0 ? ` ${JSON.stringify(r.rejectCodes)}` : '');
  const what = r.mode === 'fanout' ? 'delivery' : 'ack';
  const lag = r.senderLag as { p99Ms: number; maxMs: number } | undefined;
  const sender =
    lag === undefined
      ? ''
      : `sender event-loop delay ms: p99 ${f(lag.p99Ms)}  max ${f(lag.maxMs)} (counted in the latency)\n`;
  const sendLate = r.sendLateMs as { p50: number; p99: number; max: number } | undefined;
  const late =
    sendLate === undefined
      ? ''
      : `sender lateness ms (intended time → frame written): p50 ${f(sendLate.p50)}  p99 ${f(sendLate.p99)}  max ${f(sendLate.max)} (counted in the latency)\n`;
  const own =
    typeof r.senderCpuUsPerOrder === 'number'
      ? `sender CPU µs per measured order: ${f(r.senderCpuUsPerOrder)} (its window and drain)\n`
      : '';
  const cpu = r.cpuPerOrderUs as Record<string, number> | undefined;
  const threads =
    cpu === undefined
      ? ''
      : `CPU µs per order: ${Object.entries(cpu)
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(', ')}\n`;
  const stages = r.serverStages as Record<string, StagePercentiles> | undefined;
  const server =
    stages === undefined || Object.keys(stages).length === 0
      ? ''
      : `server's histograms, ms p50/p99/p99.9: ${Object.entries(stages)
          .map(([k, v]) => `${k} ${v.p50Ms}/${v.p99Ms}/${v.p999Ms}`)
          .join(' · ')}\n`;
  const g = r.serverGc as ScavengeBytes | undefined;
  const gc =
    g === undefined
      ? ''
      : `gateway scavenges: ${g.scavenges}, survived MB p50/p99 ${g.survivedP50Mb}/${g.survivedP99Mb} each, promoted ${g.promotedMb} MB in all; young allocation ${g.allocatedMb} MB, ${perOrderKb(g.allocatedMb, r.acked)} KB per order\n`;
  const windows = r.windows as RunWindow[] | undefined;
  const perWindow = windows === undefined ? '' : describeWindows(windows);
  return `${head}\n${what} latency ms: p50 ${f(lat.p50)}  p99 ${f(lat.p99)}  p99.9 ${f(lat.p999)}  max ${f(lat.max)}\n${sender}${late}${own}${threads}${server}${gc}${perWindow}`;
}
