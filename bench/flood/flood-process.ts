// What the two flood suites (half-sent requests, failed logins) share: the attacker runs in its own
// process at idle priority (a real flood's CPU is on other machines, so on a shared two-core box it
// must not be charged to the server) and prints its figures as one JSON line when stopped; the order
// latency it disturbs is reported as one measurement row per loadtest run.
//
// Idle priority is SCHED_IDLE (util-linux `chrt`, as the server's own read-model and password
// threads use), not niceness: under Linux's scheduler a niced process that holds a core keeps it for
// the rest of its slice when a server thread wakes (milliseconds; measured on the read-model thread,
// docs/BENCHMARKS.md), so a niced flooder's own CPU can show up in the server's tail, while a
// SCHED_IDLE one gives the core up at once. The flood's own figures (what it sent, opened, held)
// show whether it kept up.

import { execFileSync, spawn } from 'node:child_process';
import type { Measurement } from '../report.ts';
import type { LoadtestResult } from '../server/remote-load.ts';

export interface RunningFlood<T> {
  /** Stops the flood and returns the figures it printed last. */
  stop(): Promise<T>;
}

/** How the flood process is started at idle priority: SCHED_IDLE where `chrt` works, else nice 19. */
function idlePriority(): string[] {
  try {
    execFileSync('chrt', ['--idle', '0', 'true'], { stdio: 'ignore', timeout: 5_000 });
    return ['chrt', '--idle', '0'];
  } catch {
    return ['nice', '-n', '19'];
  }
}

/**
 * Starts `script` at idle priority; resolves once it says "flood ready" on stderr (or after 20 s, or
 * its exit).
 */
export async function startIdleFlood<T>(
  script: string,
  args: readonly string[],
): Promise<RunningFlood<T>> {
  const [command, ...prefix] = idlePriority();
  const child = spawn(command!, [...prefix, process.execPath, script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 20_000);
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      if (err.includes('flood ready')) {
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
      return JSON.parse(line) as T;
    },
  };
}

/** One loadtest run as a measurement row; any rejected order makes the row invalid, with its codes. */
export function loadtestRow(
  suite: string,
  name: string,
  r: LoadtestResult,
  validation: string,
): Measurement {
  const ns = (ms: number) => ms * 1e6;
  const rejected = r.rejected ?? 0;
  return {
    suite,
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
    valid: rejected === 0,
    validation:
      rejected === 0
        ? validation
        : `${validation}; rejected ${rejected} ${JSON.stringify(r.rejectCodes)}`,
  };
}
