// The soak: a fresh server (a child process, as `bourse loadtest` starts it) under a steady order rate
// for a long time (30 min by default), its memory read from its own /metrics every few seconds, so
// growth that a 5-second benchmark cannot see shows: resident memory of the whole process and the
// gateway thread's heap, over time, and whether they level off. Load comes from `bourse loadtest
// --url` in its own process, one minute at a time.

import { startLocalTarget } from '../../apps/bourse/src/loadtest/loadtest-target.ts';
import type { BenchOptions } from '../options.ts';
import { type Measurement, progress, type Suite, type SuiteResult } from '../report.ts';
import { loadtest, remoteArgs } from '../server/remote-load.ts';

const MB = 1024 * 1024;

export interface MemorySample {
  /** Minutes since the load started. */
  readonly minute: number;
  readonly rssBytes: number;
  readonly heapBytes: number;
  readonly externalBytes: number;
  /** Commands durable so far. */
  readonly seq: number;
}

/** The server's own memory gauges and durable seq, from its Prometheus text. */
export async function sampleMemory(url: string, startedAt: number): Promise<MemorySample> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const gauge = (name: string) =>
    Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    minute: (performance.now() - startedAt) / 60_000,
    rssBytes: gauge('bourse_process_resident_bytes'),
    heapBytes: gauge('bourse_heap_used_bytes'),
    externalBytes: gauge('bourse_external_bytes'),
    seq: gauge('bourse_durable_seq'),
  };
}

/** Least-squares slope of `y` over `x` (MB per minute when given minutes and MB). */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

interface SoakRun {
  readonly minutes: number;
  readonly rate: number;
  readonly mode: string;
  acked: number;
  rejected: number;
  readonly rejectCodes: Record<string, number>;
  worstP99: number;
}

export const soakSuite: Suite = {
  name: 'soak',
  title: 'Soak: memory of one server under a steady order rate (bourse loadtest; journal durable)',
  async run(options: BenchOptions): Promise<SuiteResult> {
    const { soakMinutes: minutes, soakRate: rate, soakMode: mode } = options;
    const target = await startLocalTarget();
    const remote = remoteArgs(target);
    const samples: MemorySample[] = [];
    const totals: SoakRun = {
      minutes,
      rate,
      mode,
      acked: 0,
      rejected: 0,
      rejectCodes: {},
      worstP99: 0,
    };
    const startedAt = performance.now();
    const endAt = startedAt + minutes * 60_000;
    const sampleEveryMs = Math.max(5_000, Math.min(30_000, (minutes * 60_000) / 60));
    samples.push(await sampleMemory(target.url, startedAt));
    const sampler = setInterval(() => {
      sampleMemory(target.url, startedAt).then(
        (s) => samples.push(s),
        () => {},
      );
    }, sampleEveryMs);
    try {
      while (performance.now() < endAt - 1_000) {
        const seconds = Math.max(1, Math.min(60, Math.round((endAt - performance.now()) / 1000)));
        const last = samples.at(-1)!;
        progress(
          `soak: ${last.minute.toFixed(1)}/${minutes} min, RSS ${(last.rssBytes / MB).toFixed(0)} MB, ` +
            `heap ${(last.heapBytes / MB).toFixed(0)} MB, ${last.seq} commands`,
        );
        const r = await loadtest([
          ...remote.args,
          ...['--mode', mode, '--rate', String(rate), '--duration', String(seconds)],
          ...['--warmup', '0'],
        ]);
        totals.acked += r.acked ?? 0;
        totals.rejected += r.rejected ?? 0;
        for (const [code, n] of Object.entries(r.rejectCodes ?? {}))
          totals.rejectCodes[code] = (totals.rejectCodes[code] ?? 0) + n;
        totals.worstP99 = Math.max(totals.worstP99, r.latencyMs.p99);
      }
      samples.push(await sampleMemory(target.url, startedAt));
    } finally {
      clearInterval(sampler);
      await target.stop();
      remote.cleanup();
    }
    return soakResult(samples, totals);
  },
};

function soakResult(samples: readonly MemorySample[], run: SoakRun): SuiteResult {
  const elapsedMin = samples.at(-1)!.minute;
  const secondHalf = samples.filter((s) => s.minute >= elapsedMin / 2);
  const rssSlope = slope(secondHalf.map((s) => ({ x: s.minute, y: s.rssBytes / MB })));
  const heapSlope = slope(secondHalf.map((s) => ({ x: s.minute, y: s.heapBytes / MB })));
  const perSec = run.acked / Math.max(1, elapsedMin * 60);
  const measurement: Measurement = {
    suite: 'soak',
    name: `${run.mode} orders at ${run.rate}/s for ${run.minutes} min`,
    profile: 'cents',
    n: run.acked,
    commandsPerSec: perSec,
    runsPerSec: [Math.round(perSec)],
    valid: run.rejected === 0,
    validation:
      `rejections: ${run.rejected}${run.rejected > 0 ? ` ${JSON.stringify(run.rejectCodes)}` : ''}; ` +
      `worst one-minute p99 ${run.worstP99.toFixed(1)} ms`,
  };
  // About 20 rows whatever the length, always with the first and the last.
  const every = Math.max(1, Math.round(samples.length / 20));
  const rows = samples.filter((_, i) => i % every === 0 || i === samples.length - 1);
  const mb = (b: number, width: number) => (b / MB).toFixed(0).padStart(width);
  const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;
  return {
    measurements: [measurement],
    notes: [
      measurement.validation,
      'minute  RSS MB  heap MB  external MB  commands',
      ...rows.map(
        (s) =>
          `${s.minute.toFixed(1).padStart(6)}  ${mb(s.rssBytes, 6)}  ${mb(s.heapBytes, 7)}  ${mb(s.externalBytes, 11)}  ${s.seq}`,
      ),
      `second half: RSS ${signed(rssSlope)} MB/min, gateway heap ${signed(heapSlope)} MB/min`,
      'RSS is the whole server process (gateway thread, engine worker, read-model worker, SQLite); heap is the gateway thread only.',
      `Reproduce: npm run bench -- --suite soak --soak-minutes ${run.minutes} --soak-rate ${run.rate} --soak-mode ${run.mode}`,
    ],
  };
}
