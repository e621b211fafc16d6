// Load against a server this suite started itself (`startLocalTarget`), for suites that do something
// else to the same server at the same time (a flood, a soak's memory readings): the keys written to
// files for `bourse loadtest --url`, and one loadtest run in its own process.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LoadTarget } from '../../apps/bourse/src/loadtest/loadtest-target.ts';

const run = promisify(execFile);
const main = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'apps',
  'bourse',
  'src',
  'main.ts',
);

export interface LoadtestResult {
  readonly acked?: number;
  readonly rejected?: number;
  readonly rejectCodes?: Record<string, number>;
  readonly ackedPerSec?: number;
  readonly senderLag?: { p99Ms: number; maxMs: number };
  readonly latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
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
  const { stdout } = await run(process.execPath, [main, 'loadtest', '--json', ...args], {
    timeout: 600_000,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadtestResult;
}
