// Order acknowledgement during a failed-login flood: one fresh server (a child process), REST order
// entry at a fixed rate measured quiet, then again while another process sends wrong-password logins
// from hundreds of loopback addresses (login-flood.ts), in the same run. Password hashing runs on its
// own idle thread behind the login throttle, so the target is a p99 during the flood within 2× of the
// quiet one (before, 300 failed logins raised the p50 from 1.9 ms to 8.96 s).

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalTarget } from '../../apps/bourse/src/loadtest/loadtest-target.ts';
import type { BenchOptions } from '../options.ts';
import { progress, type Suite, type SuiteResult } from '../report.ts';
import { loadtestRow, startIdleFlood } from '../flood/flood-process.ts';
import { type LoadtestResult, loadtest, remoteArgs } from '../server/remote-load.ts';

const floodScript = join(dirname(fileURLToPath(import.meta.url)), 'login-flood.ts');

interface LoginFloodStats {
  readonly sent: number;
  readonly skipped: number;
  readonly byStatus: Record<string, number>;
  readonly errors: number;
  readonly seconds: number;
}

/** Starts the flood in its own process; resolves once it runs (or after 20 s). */
function startLoginFlood(url: string, rate: number, addresses: number) {
  const args = ['--url', url, '--rate', String(rate), '--addresses', String(addresses)];
  return startIdleFlood<LoginFloodStats>(floodScript, args);
}

const row = (name: string, r: LoadtestResult, validation: string) =>
  loadtestRow('login-flood', name, r, validation);

export const loginFloodSuite: Suite = {
  name: 'login-flood',
  title:
    'Order acks during a failed-login flood from many addresses (REST signed; journal durable)',
  async run(options: BenchOptions): Promise<SuiteResult> {
    const {
      floodRate: rate,
      loginRate,
      loginAddresses: addresses,
      loginSeconds: seconds,
    } = options;
    const target = await startLocalTarget();
    const remote = remoteArgs(target);
    const load = ['--mode', 'rest', '--rate', String(rate), '--duration', String(seconds)];
    try {
      progress(`login-flood: quiet, REST orders at ${rate}/s for ${seconds} s`);
      const quiet = await loadtest([...remote.args, ...load]);
      progress(`login-flood: ${loginRate} failed logins/s from ${addresses} addresses`);
      const flood = await startLoginFlood(target.url, loginRate, addresses);
      let during: LoadtestResult;
      let stats: LoginFloodStats;
      try {
        progress(`login-flood: REST orders at ${rate}/s during the flood`);
        during = await loadtest([...remote.args, ...load]);
      } finally {
        stats = await flood.stop();
      }
      const ratio = during.latencyMs.p99 / quiet.latencyMs.p99;
      const answers = Object.entries(stats.byStatus)
        .map(([status, count]) => `${count} × ${status}`)
        .join(', ');
      return {
        measurements: [
          row(`quiet: ack latency at ${rate}/s`, quiet, 'no rejections'),
          row(
            `login flood (${loginRate}/s, ${addresses} addresses): ack latency at ${rate}/s`,
            during,
            `no rejections; p99 ${ratio.toFixed(2)}× quiet (target ≤ 2×)`,
          ),
        ],
        notes: [
          `login flood: ${stats.sent} wrong-password logins in ${stats.seconds.toFixed(1)} s (${(stats.sent / stats.seconds).toFixed(0)}/s of ${loginRate}/s offered; ${stats.skipped} not sent: ${2_000} already waiting), answered ${answers}; ${stats.errors} failed to connect`,
          '401 = the password was checked (a hash on the idle hashing thread); 429 = refused by the login throttle before any hash; 503 = the hashing queue was full or its deadline passed.',
          `Reproduce: npm run bench -- --suite login-flood --flood-rate ${rate} --login-rate ${loginRate} --login-addresses ${addresses} --login-seconds ${seconds}`,
        ],
      };
    } finally {
      await target.stop();
      remote.cleanup();
    }
  },
};
