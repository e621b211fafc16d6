// Load against a server this suite started itself (`startLocalTarget`), for suites that do something
// else to the same server at the same time (a flood, a soak's memory readings): the keys written to
// files for `bourse loadtest --url`, and one loadtest run in its own process.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BOURSE_MAIN } from '../../apps/bourse/src/cluster/spawn-ready.ts';
import type { FanoutResult } from '../../apps/bourse/src/loadtest/fanout-load.ts';
import type { LatencySummary } from '../../apps/bourse/src/loadtest/latency-recorder.ts';
import type { LoadTarget } from '../../apps/bourse/src/loadtest/loadtest-target.ts';
import type { OrderLoadResult } from '../../apps/bourse/src/loadtest/ws-order-load.ts';

const run = promisify(execFile);

/** `bourse loadtest --json`'s line: the run's settings and its mode's result. */
export type LoadtestResult = Partial<OrderLoadResult & FanoutResult> & {
  readonly rate: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly latencyMs: LatencySummary;
};

/** The result line of `bourse loadtest --json`'s output (the last line). */
export function loadtestResult(stdout: string): LoadtestResult {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadtestResult;
}

/** `bourse loadtest --url` arguments for the target's two accounts; `cleanup` removes the key files. */
export function remoteArgs(target: LoadTarget): { args: string[]; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-bench-keys-'));
  const args = ['--url', target.url, '--market', target.market];
  target.users.forEach((u, i) => {
    const file = join(dir, `key-${i}.pem`);
    writeFileSync(file, u.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    args.push('--key-id', u.keyId, '--key-file', file);
  });
  return { args, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One `bourse loadtest --json` run in its own process; its result line. */
export async function loadtest(args: readonly string[]): Promise<LoadtestResult> {
  const { stdout } = await run(process.execPath, [BOURSE_MAIN, 'loadtest', '--json', ...args], {
    timeout: 600_000,
    maxBuffer: 1 << 20,
  });
  return loadtestResult(stdout);
}
