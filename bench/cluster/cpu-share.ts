// Where the CPU of a load run goes, process by process: user + system time from /proc/<pid>/stat,
// sampled before and after the run (and every 100 ms for processes that come and go, such as the load
// generator and the server it starts), grouped into the cluster's components and divided by the orders
// acknowledged. That per-order cost is what bounds the throughput of a machine: two cores' worth of
// CPU-seconds divided by it is the ceiling if nothing else ran.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { type DiskUse, diskFlushes, writeBytes } from './disk-io.ts';

/** User + system CPU of a process so far, in ms (clock ticks of 10 ms); undefined once it is gone. */
export function cpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * Time the threads of a process (those alive now) spent runnable and waiting for a core, in ms
 * (/proc/<pid>/task/<tid>/schedstat, second field, ns); undefined once it is gone.
 */
export function runDelayMs(pid: number): number | undefined {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[1]);
      } catch {}
    }
    return ns / 1e6;
  } catch {
    return undefined;
  }
}

/** The direct children of a process (Linux /proc). */
export function childPids(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(file)) return [];
  try {
    return readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function descendants(pid: number): number[] {
  const out: number[] = [];
  const stack = childPids(pid);
  while (stack.length > 0) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...childPids(p));
  }
  return out;
}

/** Processes by component name; a component may hold several (etcd's three members). */
export type Components = Record<string, readonly number[]>;

export class CpuSampler {
  readonly #start = new Map<number, number>();
  readonly #last = new Map<number, number>();
  readonly #group = new Map<number, string>();
  readonly #startBytes = new Map<number, number>();
  readonly #lastBytes = new Map<number, number>();
  /** Run delay (ms waiting for a core) per process, at the start and at the last poll. */
  readonly #startWait = new Map<number, number>();
  readonly #lastWait = new Map<number, number>();
  readonly #startFlushes = diskFlushes();
  #flushes: number | undefined;
  readonly #roots: { name: string; pid: number; children: string }[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #startedAt = performance.now();
  /** Wall-clock ms between the start and `stop`. */
  elapsedMs = 0;

  /**
   * Counts each component's processes from now on, and the processes they start (a PostgreSQL
   * server's backends come and go with its clients' connections): those already running from now,
   * later ones from their start.
   */
  constructor(components: Components) {
    for (const [name, pids] of Object.entries(components)) {
      for (const pid of pids) {
        this.#add(name, pid, true);
        for (const child of descendants(pid)) {
          this.#add(name, child, true);
        }
        this.#roots.push({ name, pid, children: name });
      }
    }
    this.#timer = setInterval(() => this.#poll(), 100);
  }

  /** Counts `pid` (from 0) under `name`, and every process it starts under `children`. */
  follow(name: string, pid: number, children = name): void {
    this.#roots.push({ name, pid, children });
    this.#add(name, pid, false);
  }

  /** CPU ms used per component since the sampler started. */
  stop(): Record<string, number> {
    this.#poll();
    clearInterval(this.#timer);
    this.elapsedMs = performance.now() - this.#startedAt;
    const end = diskFlushes();
    if (end !== undefined && this.#startFlushes !== undefined) {
      this.#flushes = end - this.#startFlushes;
    }
    const used: Record<string, number> = {};
    for (const [pid, name] of this.#group) {
      used[name] = (used[name] ?? 0) + (this.#last.get(pid)! - this.#start.get(pid)!);
    }
    return used;
  }

  /** After `stop`: the bytes each component wrote to storage and the disks' flushes meanwhile. */
  disk(): DiskUse {
    const writtenBytes: Record<string, number> = {};
    for (const [pid, name] of this.#group) {
      const bytes = this.#lastBytes.get(pid)! - this.#startBytes.get(pid)!;
      writtenBytes[name] = (writtenBytes[name] ?? 0) + bytes;
    }
    return { writtenBytes, flushes: this.#flushes, wallMs: this.elapsedMs };
  }

  /** After `stop`: the ms each component's threads waited for a core (a thread that ended is lost). */
  waits(): Record<string, number> {
    const waited: Record<string, number> = {};
    for (const [pid, name] of this.#group) {
      waited[name] = (waited[name] ?? 0) + (this.#lastWait.get(pid)! - this.#startWait.get(pid)!);
    }
    return waited;
  }

  /** Counts `pid` under `name`: what it used from now on (`fromNow`), or all of it (a new process). */
  #add(name: string, pid: number, fromNow: boolean): void {
    if (this.#group.has(pid)) return;
    const startMs = fromNow ? (cpuMs(pid) ?? 0) : 0;
    const startBytes = fromNow ? (writeBytes(pid) ?? 0) : 0;
    const wait = fromNow ? (runDelayMs(pid) ?? 0) : 0;
    this.#startWait.set(pid, wait);
    this.#lastWait.set(pid, wait);
    this.#group.set(pid, name);
    this.#start.set(pid, startMs);
    this.#last.set(pid, startMs);
    this.#startBytes.set(pid, startBytes);
    this.#lastBytes.set(pid, startBytes);
  }

  #poll(): void {
    for (const { pid, children } of this.#roots) {
      for (const p of descendants(pid)) this.#add(children, p, false);
    }
    for (const pid of this.#group.keys()) {
      const ms = cpuMs(pid);
      if (ms !== undefined) this.#last.set(pid, ms);
      const bytes = writeBytes(pid);
      if (bytes !== undefined) this.#lastBytes.set(pid, bytes);
      const wait = runDelayMs(pid);
      if (wait !== undefined) this.#lastWait.set(pid, wait);
    }
  }
}

/** CPU ms per wall-clock second of each component while no load runs (timers, heartbeats). */
export async function idleRates(
  components: Components,
  ms: number,
): Promise<{ cpu: Record<string, number>; disk: DiskUse }> {
  const sampler = new CpuSampler(components);
  await new Promise((r) => setTimeout(r, ms));
  const used = sampler.stop();
  const cpu = Object.fromEntries(
    Object.entries(used).map(([name, ms]) => [name, (ms * 1000) / sampler.elapsedMs]),
  );
  return { cpu, disk: sampler.disk() };
}

/**
 * "leader node 36 µs · standby nodes 56 µs · …; total 185 µs → 10,800 orders/s on 2 cores": the CPU
 * each component used for the orders, less what it uses idle (`idle`, ms per second) over `wallMs`.
 */
export function perOrderNote(
  label: string,
  used: Record<string, number>,
  orders: number,
  wallMs: number,
  idle: Record<string, number> = {},
): string {
  const us = (ms: number) => (ms * 1000) / orders;
  const net = Object.entries(used).map(([name, ms]): [string, number] => [
    name,
    Math.max(0, ms - ((idle[name] ?? 0) * wallMs) / 1000),
  ]);
  const parts = net
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${us(ms).toFixed(0)} µs`);
  const total = us(net.reduce((a, [, ms]) => a + ms, 0));
  const idleTotal = Object.values(idle).reduce((a, b) => a + b, 0);
  const ceiling = Math.round(2e6 / total);
  const idleParts = Object.entries(idle)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${ms.toFixed(1)}`);
  const less =
    idleTotal > 0
      ? `, less the idle cluster's own ${idleTotal.toFixed(0)} ms of CPU a second: ${idleParts.join(', ')}`
      : '';
  return (
    `${label}: CPU per acknowledged order (${orders.toLocaleString('en-US')} orders; the run and 3 s ` +
    `after it${less}): ${parts.join(' · ')}; total ${total.toFixed(0)} µs → at most ` +
    `${ceiling.toLocaleString('en-US')} orders/s on 2 cores if nothing else ran`
  );
}

/** "gateways 40 µs · leader node 12 µs · …": what each component's threads waited for a core per order. */
export function waitNote(label: string, waited: Record<string, number>, orders: number): string {
  const parts = Object.entries(waited)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${((ms * 1000) / orders).toFixed(0)} µs`);
  const total = (Object.values(waited).reduce((a, b) => a + b, 0) * 1000) / orders;
  return (
    `${label}: time runnable but waiting for a core per acknowledged order (each thread's run delay, ` +
    `/proc schedstat): ${parts.join(' · ')}; total ${total.toFixed(0)} µs`
  );
}
