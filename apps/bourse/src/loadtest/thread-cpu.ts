// Where the CPU of a load test goes: each thread of the server it started (Linux /proc: the gateway's
// main thread, the engine and other worker threads, the read models' SCHED_IDLE thread, libuv's pool,
// V8's helpers) and the load generator itself, per order, over the measured window. On two shared
// cores the sum says how many orders a second the machine could carry, and which thread runs out
// first (the gateway's main thread can use one core at most).

import { readdirSync, readFileSync } from 'node:fs';

/** Microseconds of CPU per order, by thread group. */
export interface CpuPerOrder {
  readonly gateway: number;
  /** The engine worker, with any other worker thread at normal priority (they idle under load). */
  readonly workers: number;
  readonly readModels: number;
  readonly libuv: number;
  readonly v8: number;
  readonly other: number;
  /** The load generator's process, every thread. */
  readonly generator: number;
  /** Everything but the read models, which only take cores nothing else wants. */
  readonly total: number;
}

const SCHED_IDLE = 5;
/** Linux reports thread times in clock ticks of 10 ms. */
const TICK_US = 10_000;

interface Sample {
  readonly server: Map<string, { group: keyof CpuPerOrder; ticks: number }>;
  readonly generatorUs: number;
}

export class ThreadCpuMeter {
  readonly #pid: number;
  #start: Sample | undefined;

  constructor(pid: number) {
    this.#pid = pid;
  }

  start(): void {
    this.#start = this.#sample();
  }

  /** CPU per order since `start`, or undefined where /proc cannot tell (not Linux, process gone). */
  stop(orders: number): CpuPerOrder | undefined {
    const from = this.#start;
    if (from === undefined || from.server.size === 0 || orders <= 0) return undefined;
    const to = this.#sample();
    const us: Record<keyof CpuPerOrder, number> = {
      gateway: 0,
      workers: 0,
      readModels: 0,
      libuv: 0,
      v8: 0,
      other: 0,
      generator: (to.generatorUs - from.generatorUs) / orders,
      total: 0,
    };
    for (const [tid, t] of to.server) {
      us[t.group] += ((t.ticks - (from.server.get(tid)?.ticks ?? 0)) * TICK_US) / orders;
    }
    us.total = us.gateway + us.workers + us.libuv + us.v8 + us.other + us.generator;
    const round = (x: number) => Math.round(x * 100) / 100;
    return Object.fromEntries(Object.entries(us).map(([k, v]) => [k, round(v)])) as never;
  }

  #sample(): Sample {
    const cpu = process.cpuUsage();
    const server = new Map<string, { group: keyof CpuPerOrder; ticks: number }>();
    try {
      for (const tid of readdirSync(`/proc/${this.#pid}/task`)) {
        const stat = readFileSync(`/proc/${this.#pid}/task/${tid}/stat`, 'latin1');
        // Fields after the command name, which may hold spaces: state is field 3.
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ticks = Number(f[11]) + Number(f[12]);
        const name = readFileSync(`/proc/${this.#pid}/task/${tid}/comm`, 'latin1').trim();
        const group = tid === String(this.#pid) ? 'gateway' : groupOf(name, Number(f[38]));
        server.set(tid, { group, ticks });
      }
    } catch {
      // Not Linux, or a thread ended between the listing and the read: the figure is left out.
      server.clear();
    }
    return { server, generatorUs: cpu.user + cpu.system };
  }
}

export function groupOf(name: string, policy: number): keyof CpuPerOrder {
  if (name === 'WorkerThread') return policy === SCHED_IDLE ? 'readModels' : 'workers';
  if (name === 'libuv-worker') return 'libuv';
  return name.startsWith('V8') ? 'v8' : 'other';
}
