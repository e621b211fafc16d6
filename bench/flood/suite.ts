// Order acknowledgement while clients hold half-sent requests: one fresh server (a child process),
// REST order entry at a fixed rate measured quiet, then again while another process keeps thousands of
// connections from hundreds of loopback addresses sending the start of a request's headers and a byte
// every few seconds (half-sent-flood.ts), in the same run. The header timeout and the per-address cap
// bound what the flood holds; the target is a p99 during the flood within 2× of the quiet one.

import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalTarget } from '../../apps/bourse/src/loadtest/loadtest-target.ts';
import type { BenchOptions } from '../options.ts';
import { type Measurement, progress, type Suite, type SuiteResult } from '../report.ts';
import { type LoadtestResult, loadtest, remoteArgs } from '../server/remote-load.ts';

const floodScript = join(dirname(fileURLToPath(import.meta.url)), 'half-sent-flood.ts');

interface FloodStats {
  readonly opened: number;
  readonly answered408: number;
  readonly refused429: number;
  readonly closedOther: number;
  readonly connectErrors: number;
  readonly peakOpen: number;
}

interface RunningFlood {
  stop(): Promise<FloodStats>;
}

/** Starts the flood in its own process; resolves once it has held its connections (or after 20 s). */
async function startFlood(
  url: string,
  connections: number,
  addresses: number,
): Promise<RunningFlood> {
  // Niced: on a shared two-core machine the attacker's own CPU would otherwise be charged to the
  // server (a real flood comes from other machines).
  const child = spawn(
    'nice',
    [
      ...['-n', '10', process.execPath],
      floodScript,
      ...['--url', url, '--connections', String(connections), '--addresses', String(addresses)],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 20_000);
    child.stderr.on('data', (c: Buffer) => {
      if (c.toString().includes('flood ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(resolve);
  });
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
      const line = out.trim().split('\n').at(-1) ?? '';
      if (line === '')
        throw new Error(`the flood process ended without its figures: ${err.slice(-800)}`);
      return JSON.parse(line) as FloodStats;
    },
  };
}

function row(name: string, r: LoadtestResult, validation: string): Measurement {
  const ns = (ms: number) => ms * 1e6;
  return {
    suite: 'flood',
    name,
    profile: 'cents',
    n: r.acked ?? 0,
    commandsPerSec: r.ackedPerSec ?? 0,
    runsPerSec: [Math.round(r.ackedPerSec ?? 0)],
    latencyNs: {
      p50: ns(r.latencyMs.p50),
      p90: ns(r.latencyMs.p90),
      p99: ns(r.latencyMs.p99),
      p999: ns(r.latencyMs.p999),
      max: ns(r.latencyMs.max),
      timerOverheadP50: 0,
    },
    valid: (r.rejected ?? 0) === 0,
    validation:
      (r.rejected ?? 0) === 0
        ? validation
        : `${validation}; rejected ${r.rejected} ${JSON.stringify(r.rejectCodes)}`,
  };
}

export const floodSuite: Suite = {
  name: 'flood',
  title: 'Order acks during a half-sent-request flood (REST signed; journal durable)',
  async run(options: BenchOptions): Promise<SuiteResult> {
    const { floodRate: rate, floodConnections: connections, floodAddresses: addresses } = options;
    const target = await startLocalTarget();
    const remote = remoteArgs(target);
    const load = ['--mode', 'rest', '--rate', String(rate), '--duration', '10'];
    try {
      progress(`flood: quiet, REST orders at ${rate}/s`);
      const quiet = await loadtest([...remote.args, ...load]);
      progress(`flood: ${connections} half-sent connections from ${addresses} addresses`);
      const flood = await startFlood(target.url, connections, addresses);
      let during: LoadtestResult;
      let stats: FloodStats;
      try {
        progress(`flood: REST orders at ${rate}/s during the flood`);
        during = await loadtest([...remote.args, ...load]);
      } finally {
        stats = await flood.stop();
      }
      const ratio = during.latencyMs.p99 / quiet.latencyMs.p99;
      return {
        measurements: [
          row(`quiet: ack latency at ${rate}/s`, quiet, 'no rejections'),
          row(
            `half-sent flood (${connections} conns, ${addresses} addresses): ack latency at ${rate}/s`,
            during,
            `no rejections; p99 ${ratio.toFixed(2)}× quiet (target ≤ 2×)`,
          ),
        ],
        notes: [
          `flood: ${stats.opened} connections opened, at most ${stats.peakOpen} open at once; the server answered ${stats.answered408} with 408 (header timeout), refused ${stats.refused429} with 429 (per-address cap), closed ${stats.closedOther} without an answer; ${stats.connectErrors} connects failed`,
          'Each flood connection sends "GET /api/v1/markets HTTP/1.1", Host and the start of a header, then one byte every 2 s, and is replaced as soon as the server closes it.',
          `Reproduce: npm run bench -- --suite flood --flood-rate ${rate} --flood-connections ${connections} --flood-addresses ${addresses}`,
        ],
      };
    } finally {
      await target.stop();
      remote.cleanup();
    }
  },
};
