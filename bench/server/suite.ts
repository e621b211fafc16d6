// End-to-end server figures: `bourse loadtest` runs as a separate process against a fresh server (itself
// a child process) over loopback, journal durable. For WebSocket and REST order entry it climbs a ladder
// of offered rates to find the highest one the server sustains, then measures ack latency (from each
// order's intended send time) at half that rate, after a 15 s pause that lets the machine recover from
// the ladder's overload. Every run sends at its rate for a 2 s warm-up first (a fresh server is still
// compiling its hot paths; 20,000 orders if that takes longer) and then measures for 5 s; then market-data delivery latency to 1,000 and 10,000
// WebSocket subscribers, beside the floor for that fan-out: bare socket writes of the same frames to
// the same number of loopback sockets (loopback-floor.ts), measured in the same run.

import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchOptions } from '../options.ts';
import { type Measurement, progress, type Suite, type SuiteResult } from '../report.ts';
import { type LoadtestResult as LoadResult, loadtest } from './remote-load.ts';
import { worstWindows } from '../../apps/bourse/src/loadtest/run-windows.ts';

const run = promisify(execFile);

/**
 * Pause before each latency measurement. The ladder's last step overloads a server on purpose; its
 * aftermath (freed memory, deleted files, the kernel's background work) went on disturbing the
 * next run for seconds: right after an overload p99 at 32,500/s read 9.5–11.9 ms with 20–25 ms of
 * delay on the sender's own loop, after a 15 s pause 5.3–5.8 ms.
 */
const SETTLE_MS = 15_000;
const settle = (why: string) => {
  progress(`server: pausing ${SETTLE_MS / 1000} s ${why}`);
  return new Promise((r) => setTimeout(r, SETTLE_MS));
};

interface FloorResult {
  readonly latencyMs: LoadResult['latencyMs'];
  readonly rounds: number;
  readonly deliveries: number;
  readonly writeMsPerBroadcast: number;
  readonly writerCpuMsPerBroadcast: number;
  readonly readerCpuMsPerBroadcast: number;
  readonly minWallMsPerBroadcast: number;
}

async function loopbackFloor(subscribers: number): Promise<FloorResult> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'loopback-floor.ts');
  const { stdout } = await run(
    process.execPath,
    [script, '--subscribers', String(subscribers), '--rounds', '30'],
    { timeout: 300_000, maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as FloorResult;
}

function measurement(
  name: string,
  n: number,
  perSec: number,
  r: Partial<LoadResult> & Pick<LoadResult, 'latencyMs'>,
  validation: string,
): Measurement {
  const ns = (ms: number) => ms * 1e6;
  return {
    suite: 'server',
    name,
    profile: 'cents',
    n,
    commandsPerSec: perSec,
    runsPerSec: [Math.round(perSec)],
    latencyNs: {
      p50: ns(r.latencyMs.p50),
      p90: ns(r.latencyMs.p90),
      p99: ns(r.latencyMs.p99),
      p999: ns(r.latencyMs.p999),
      max: ns(r.latencyMs.max),
      timerOverheadP50: 0,
    },
    valid: (r.rejected ?? 0) === 0,
    validation: [
      validation,
      ...(r.senderLag === undefined
        ? []
        : [
            `sender event-loop delay p99 ${r.senderLag.p99Ms.toFixed(1)} ms, max ${r.senderLag.maxMs.toFixed(1)} ms`,
          ]),
      ...(r.cpuPerOrderUs === undefined
        ? []
        : [
            `CPU µs per order: ${Object.entries(r.cpuPerOrderUs)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}`,
          ]),
    ].join('; '),
  };
}

export const serverSuite: Suite = {
  name: 'server',
  title: 'End to end over loopback (bourse loadtest; journal durable)',
  async run(_options: BenchOptions): Promise<SuiteResult> {
    const measurements: Measurement[] = [];
    const duration = '5';
    // REST twice: every request signed (Ed25519, the cheapest key type to sign), and with a bearer
    // token minted once per key by a signed request.
    const runs = [
      {
        label: 'ws',
        args: ['--mode', 'ws'],
        ladder: [
          10_000, 20_000, 30_000, 40_000, 50_000, 55_000, 60_000, 65_000, 70_000, 80_000, 90_000,
          100_000, 110_000, 120_000,
        ],
      },
      {
        label: 'rest signed',
        args: ['--mode', 'rest', '--auth', 'signed'],
        ladder: [4_000, 6_000, 8_000, 9_000, 10_000, 11_000, 12_000, 14_000, 16_000, 20_000],
      },
      {
        label: 'rest token',
        args: ['--mode', 'rest', '--auth', 'token'],
        ladder: [5_000, 10_000, 15_000, 20_000, 22_000, 25_000, 28_000, 30_000, 35_000],
      },
    ] as const;
    for (const { label, args, ladder } of runs) {
      // The sustained rate: the highest offered rate the server keeps up with (≥ 95 % acknowledged at
      // the offered pace, nothing shed). Offering far beyond it only measures queue collapse.
      let best: { offered: number; r: LoadResult } | undefined;
      for (const offered of ladder) {
        progress(`server: ${label} at ${offered}/s`);
        const r = await loadtest([...args, ...['--rate', String(offered), '--duration', duration]]);
        const keptUp = (r.rejected ?? 0) === 0 && (r.ackedPerSec ?? 0) >= 0.95 * offered;
        if (!keptUp) break;
        best = { offered, r };
      }
      if (best === undefined) continue;
      const { offered, r } = best;
      measurements.push(
        measurement(
          `${label} orders sustained (${offered}/s offered)`,
          r.acked ?? 0,
          r.ackedPerSec ?? 0,
          r,
          'no rejections',
        ),
      );
      const half = Math.floor(offered / 2);
      await settle('after the ladder');
      progress(`server: ${label} latency at ${half}/s`);
      // The WebSocket run also in 250 ms windows: its worst ones say what the server did then.
      const windows = label === 'ws' ? ['--windows', '250'] : [];
      const at = await loadtest([
        ...args,
        ...['--rate', String(half), '--duration', duration, ...windows],
      ]);
      const worst = at.windows === undefined ? '' : `; worst windows: ${worstWindows(at.windows)}`;
      measurements.push(
        measurement(
          `${label} ack latency at ${half}/s`,
          at.acked ?? 0,
          at.ackedPerSec ?? 0,
          at,
          `no rejections${worst}`,
        ),
      );
    }
    for (const subscribers of [1_000, 10_000]) {
      await settle('before the fan-out');
      progress(`server: fan-out to ${subscribers} subscribers`);
      const f = await loadtest([
        '--mode',
        'fanout',
        '--subscribers',
        String(subscribers),
        '--rate',
        '20',
        '--duration',
        duration,
      ]);
      measurements.push({
        ...measurement(
          `market data to ${subscribers} subscribers (delivery)`,
          f.deliveries ?? 0,
          0,
          f,
          'all subscribers connected',
        ),
        valid: f.connected === subscribers,
      });
      progress(`server: loopback floor for ${subscribers} sockets`);
      const floor = await loopbackFloor(subscribers);
      measurements.push({
        ...measurement(
          `floor: bare socket writes to ${subscribers} sockets (${floor.writeMsPerBroadcast.toFixed(0)} ms to write one broadcast; CPU per broadcast ${floor.writerCpuMsPerBroadcast.toFixed(0)} ms writing + ${floor.readerCpuMsPerBroadcast.toFixed(0)} ms reading, so no broadcast completes in under ${floor.minWallMsPerBroadcast.toFixed(0)} ms on these cores)`,
          floor.deliveries,
          0,
          floor,
          'every frame received',
        ),
        valid: floor.deliveries === subscribers * floor.rounds,
      });
    }
    return {
      measurements,
      notes: [
        'Order rows: commands/s = orders acknowledged per second (durable, applied); latency from the intended send time; each run is a warm-up at the same rate (2 s, or 20,000 orders if longer, at most 10 s), then 5 s measured.',
        'Fan-out rows: latency = receive time − trade timestamp (ms resolution), over every subscriber.',
        'Floor rows: a bare node:net server writing one pre-built frame per socket every 100 ms, read by another process; no Node server delivers faster here. Its CPU per broadcast (writer + reader, mostly TCP work in the kernel) divided by the cores is the least time any broadcast to that many loopback subscribers can take on this machine.',
        'Reproduce one row: npx bourse loadtest --mode ws|rest|fanout --rate N --duration 5 [--subscribers N] [--auth signed|token]',
      ],
    };
  },
};
