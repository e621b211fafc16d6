// A load test's run cut into short windows (`bourse loadtest --windows MS`): for each, the latency
// the generator measured of the orders due in it, how late the generator itself sent them, what the
// server recorded (its `/timeline`: journal writes, the core's slowest ack, the engine's round trips,
// its event-loop delay, collections, snapshots, the read models' transactions) and what the machine
// did, sampled from /proc every window: each thread group's time on a core and waiting for one
// (`schedstat`), the generator's own, and the disk under the data directory (writes, their time, cache
// flushes) with the kernel's dirty and writeback pages. A tail made by one stall shows as one bad
// window with its cause beside it; a steady spread shows in every window.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { TimelineFigure, TimelineKind, TimelineReport } from '@bourse/core';
import { nearestRank } from './latency-recorder.ts';
import { groupOf } from './thread-cpu.ts';

const ascending = (a: number, b: number) => a - b;

/** Run and run-queue wait in ms of a group of threads over a window. */
export interface SchedFigure {
  readonly runMs: number;
  readonly waitMs: number;
}

export interface MachineWindow {
  /** Server thread groups (thread-cpu.ts's names) and `generator` (this process). */
  readonly sched: Record<string, SchedFigure>;
  readonly disk?: {
    readonly writes: number;
    readonly writtenMb: number;
    /** Summed time of the writes that completed in the window (the disk's queue and service). */
    readonly writeMs: number;
    readonly flushes: number;
  };
  /** The kernel's dirty and under-writeback page cache at the window's end, MB. */
  readonly dirtyMb?: number;
  readonly writebackMb?: number;
}

export interface RunWindow {
  /** Start of the window, ms from the first one. */
  readonly atMs: number;
  readonly orders: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** p99 of how late the generator wrote these orders' frames. */
  readonly sendLateP99Ms: number;
  readonly server: Partial<Record<TimelineKind, TimelineFigure>>;
  readonly machine?: MachineWindow;
}

interface ProcSample {
  readonly at: number;
  readonly sched: Map<string, { group: string; runNs: number; waitNs: number }>;
  readonly disk: readonly number[] | undefined;
  readonly dirtyKb: number;
  readonly writebackKb: number;
}

export class WindowProbe {
  readonly #url: string;
  readonly #pid: number | undefined;
  readonly #windowMs: number;
  readonly #device: readonly [string, string] | undefined;
  readonly #samples: ProcSample[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** The first window's start on this process's clock (`performance.now()`). */
  #origin = Number.NaN;

  constructor(url: string, pid: number | undefined, windowMs: number, dataDir?: string) {
    this.#url = url;
    this.#pid = pid;
    this.#windowMs = windowMs;
    this.#device = dataDir === undefined ? undefined : deviceOf(dataDir);
  }

  /**
   * Starts the windows at `origin` (`performance.now()` time, default now); the server's start
   * there too, whenever it reads the request.
   */
  async start(origin = performance.now()): Promise<void> {
    this.#origin = origin;
    const sampleEach = () => {
      this.#samples.push(this.#sample());
      this.#timer = setInterval(() => this.#samples.push(this.#sample()), this.#windowMs);
    };
    // Asked ahead of the first window, the samples still start at its opening.
    const ahead = origin - performance.now();
    if (ahead > 0) this.#timer = setTimeout(sampleEach, ahead);
    else sampleEach();
    const at = performance.timeOrigin + this.#origin;
    const res = await fetch(new URL(`/timeline?start=${this.#windowMs}&at=${at}`, this.#url));
    if (!res.ok) throw new Error(`the server refused /timeline: ${res.status}`);
  }

  /** The windows so far, joined with the generator's own per-order figures. */
  async stop(orders: {
    intended: Float64Array;
    latency: Float64Array;
    late: Float64Array;
    from: number;
    to: number;
  }): Promise<RunWindow[]> {
    clearInterval(this.#timer);
    this.#samples.push(this.#sample());
    const report = (await (await fetch(new URL('/timeline', this.#url))).json()) as TimelineReport;
    const origin = this.#origin;
    const count = Math.max(1, Math.ceil((this.#samples.at(-1)!.at - origin) / this.#windowMs));
    const byWindow: { lat: number[]; late: number[] }[] = Array.from({ length: count }, () => ({
      lat: [],
      late: [],
    }));
    for (let i = orders.from; i < orders.to; i++) {
      const w = Math.floor((orders.intended[i]! - origin) / this.#windowMs);
      if (w < 0 || w >= count || !(orders.latency[i]! >= 0)) continue;
      byWindow[w]!.lat.push(orders.latency[i]!);
      byWindow[w]!.late.push(orders.late[i]!);
    }
    return byWindow.map((w, i) => {
      const at = origin + i * this.#windowMs;
      const machine = this.#machine(at, at + this.#windowMs);
      return {
        atMs: i * this.#windowMs,
        orders: w.lat.length,
        p99Ms: nearestRank(w.lat.sort(ascending), 0.99),
        maxMs: nearestRank(w.lat, 1),
        sendLateP99Ms: nearestRank(w.late.sort(ascending), 0.99),
        server: report.windows[i]?.figures ?? {},
        ...(machine === undefined ? {} : { machine }),
      };
    });
  }

  /** The difference between the samples nearest the window's ends. */
  #machine(from: number, to: number): MachineWindow | undefined {
    const a = nearest(this.#samples, from);
    const b = nearest(this.#samples, to);
    if (a === undefined || b === undefined || a === b) return undefined;
    const sched: Record<string, SchedFigure> = {};
    for (const [tid, t] of b.sched) {
      const was = a.sched.get(tid);
      const s = (sched[t.group] ??= { runMs: 0, waitMs: 0 }) as { runMs: number; waitMs: number };
      s.runMs += (t.runNs - (was?.runNs ?? 0)) / 1e6;
      s.waitMs += (t.waitNs - (was?.waitNs ?? 0)) / 1e6;
    }
    const d =
      a.disk === undefined || b.disk === undefined
        ? undefined
        : {
            writes: b.disk[4]! - a.disk[4]!,
            writtenMb: ((b.disk[6]! - a.disk[6]!) * 512) / 1048576,
            writeMs: b.disk[7]! - a.disk[7]!,
            flushes: (b.disk[15] ?? 0) - (a.disk[15] ?? 0),
          };
    return {
      sched,
      ...(d === undefined ? {} : { disk: d }),
      dirtyMb: b.dirtyKb / 1024,
      writebackMb: b.writebackKb / 1024,
    };
  }

  #sample(): ProcSample {
    const sched = new Map<string, { group: string; runNs: number; waitNs: number }>();
    if (this.#pid !== undefined)
      readSched(this.#pid, sched, (tid, name, policy) =>
        tid === String(this.#pid) ? 'gateway' : groupOf(name, policy),
      );
    readSched(process.pid, sched, () => 'generator');
    let dirtyKb = 0;
    let writebackKb = 0;
    let disk: number[] | undefined;
    try {
      const meminfo = readFileSync('/proc/meminfo', 'latin1');
      dirtyKb = Number(/^Dirty:\s+(\d+)/m.exec(meminfo)?.[1] ?? 0);
      writebackKb = Number(/^Writeback:\s+(\d+)/m.exec(meminfo)?.[1] ?? 0);
      if (this.#device !== undefined) {
        const [major, minor] = this.#device;
        for (const line of readFileSync('/proc/diskstats', 'latin1').split('\n')) {
          const f = line.trim().split(/\s+/);
          if (f[0] === major && f[1] === minor) disk = f.slice(3).map(Number);
        }
      }
    } catch {
      // Not Linux: the server's own figures stand alone.
    }
    return { at: performance.now(), sched, disk, dirtyKb, writebackKb };
  }
}

function readSched(
  pid: number,
  into: Map<string, { group: string; runNs: number; waitNs: number }>,
  group: (tid: string, name: string, policy: number) => string,
): void {
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const base = `/proc/${pid}/task/${tid}`;
      const [run, wait] = readFileSync(`${base}/schedstat`, 'latin1').split(' ').map(Number);
      const stat = readFileSync(`${base}/stat`, 'latin1');
      const policy = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
      const name = readFileSync(`${base}/comm`, 'latin1').trim();
      into.set(`${pid}/${tid}`, { group: group(tid, name, policy), runNs: run!, waitNs: wait! });
    }
  } catch {
    // A thread ended between the listing and the read, or no /proc: this sample leaves it out.
  }
}

/** The major and minor number of the device holding `path`, as `/proc/diskstats` lists them. */
function deviceOf(path: string): readonly [string, string] | undefined {
  try {
    const dev = statSync(path).dev;
    // Linux's encoding for the small numbers local disks have (major < 4096, minor < 256).
    return [String(Math.floor(dev / 256) % 4096), String(dev % 256)];
  } catch {
    return undefined;
  }
}

function nearest(samples: readonly ProcSample[], at: number): ProcSample | undefined {
  let best: ProcSample | undefined;
  for (const s of samples)
    if (best === undefined || Math.abs(s.at - at) < Math.abs(best.at - at)) best = s;
  return best;
}

/** One line per window, for `bourse loadtest`'s text output. */
export function describeWindows(windows: readonly RunWindow[]): string {
  const f = (x: number | undefined, d = 1) =>
    x === undefined || Number.isNaN(x) ? '–' : x.toFixed(d);
  const fig = (x: TimelineFigure | undefined) => (x === undefined ? '–' : `${x.n}/${f(x.maxMs)}`);
  const head =
    'window ms: orders · p99/max · sent late p99 | server n/max ms: journal · core · engine · loop delay · gc minor · gc major · snapshot engine/save · read models | ms on core/waiting: gateway · engine · read models · libuv · generator | disk: writes, MB, write ms, flushes · dirty/writeback MB\n';
  const rows = windows.map((w) => {
    const s = w.server;
    const m = w.machine;
    const sched = (g: string) => {
      const x = m?.sched[g];
      return x === undefined ? '–' : `${f(x.runMs, 0)}/${f(x.waitMs, 0)}`;
    };
    const disk =
      m?.disk === undefined
        ? '–'
        : `${m.disk.writes}, ${f(m.disk.writtenMb)}, ${f(m.disk.writeMs, 0)}, ${m.disk.flushes}`;
    return (
      `${String(w.atMs).padStart(5)}: ${w.orders} · ${f(w.p99Ms)}/${f(w.maxMs)} · ${f(w.sendLateP99Ms)} | ` +
      `${fig(s.journal_write)} · ${fig(s.core)} · ${fig(s.engine)} · ${fig(s.event_loop_delay)} · ` +
      `${fig(s.gc_minor)} · ${fig(s.gc_major)} · ${fig(s.snapshot_engine)}/${fig(s.snapshot_save)} · ${fig(s.read_models)} | ` +
      `${sched('gateway')} · ${sched('workers')} · ${sched('readModels')} · ${sched('libuv')} · ${sched('generator')} | ` +
      `${disk} · ${f(m?.dirtyMb)}/${f(m?.writebackMb)}`
    );
  });
  return `${head}${rows.join('\n')}\n`;
}

/** The `count` windows with the highest p99, each with what the server and the machine did then. */
export function worstWindows(windows: readonly RunWindow[], count = 3): string {
  const f = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(1));
  return [...windows]
    .filter((w) => w.orders > 0)
    .sort((a, b) => b.p99Ms - a.p99Ms)
    .slice(0, count)
    .map((w) => {
      const s = w.server;
      const gc = Math.max(s.gc_minor?.maxMs ?? 0, s.gc_major?.maxMs ?? 0);
      const snapshot =
        s.snapshot_engine === undefined ? '' : `, snapshot ${f(s.snapshot_engine.maxMs)}`;
      const waited = w.machine?.sched.gateway?.waitMs;
      return (
        `${w.atMs} ms: p99 ${f(w.p99Ms)} (sent late ${f(w.sendLateP99Ms)}, journal max ` +
        `${f(s.journal_write?.maxMs)}, core max ${f(s.core?.maxMs)}, loop delay max ` +
        `${f(s.event_loop_delay?.maxMs)}, gc max ${f(gc)}${snapshot}, gateway waited ${f(waited)} ms)`
      );
    })
    .join(' · ');
}
