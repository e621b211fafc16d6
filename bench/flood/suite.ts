// Order acknowledgement while clients hold half-sent requests: one fresh server (a child process),
// REST order entry at a fixed rate measured quiet, then again while another process keeps thousands of
// connections from hundreds of loopback addresses sending the start of a request's headers and a byte
// every few seconds (half-sent-flood.ts), in the same run. The header timeout and the per-address cap
// bound what the flood holds; the target is a p99 during the flood within 2× of the quiet one.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalTarget } from '../../apps/bourse/src/loadtest/loadtest-target.ts';
import type { BenchOptions } from '../options.ts';
import { progress, type Suite, type SuiteResult } from '../report.ts';
import { type LoadtestResult, loadtest, remoteArgs } from '../server/remote-load.ts';
import { loadtestRow, startIdleFlood } from './flood-process.ts';

const floodScript = join(dirname(fileURLToPath(import.meta.url)), 'half-sent-flood.ts');

interface FloodStats {
  readonly opened: number;
  readonly answered408: number;
  readonly refused429: number;
  readonly closedOther: number;
  readonly connectErrors: number;
  readonly peakOpen: number;
}

/** Starts the flood in its own process; resolves once it has held its connections (or after 20 s). */
function startFlood(url: string, connections: number, addresses: number) {
  const args = [
    '--url',
    url,
    '--connections',
    String(connections),
    '--addresses',
    String(addresses),
  ];
  return startIdleFlood<FloodStats>(floodScript, args);
}

const row = (name: string, r: LoadtestResult, validation: string) =>
  loadtestRow('flood', name, r, validation);

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
