// The floor under market-data fan-out on this machine: a bare `node:net` server writes one small
// pre-built WebSocket-sized frame to each of N loopback sockets held by another process, which only
// reads and timestamps them. No JSON, no WebSocket library, no exchange. Whatever this takes per
// broadcast, no Node server can deliver to N subscribers faster on the same cores, so the fan-out rows
// are read against it.
//
// Run as `node loopback-floor.ts --subscribers N --rounds R [--interval-ms T]` (one broadcast every T ms,
// default 100); it forks itself as the reader and prints
// one JSON line: delivery latency percentiles (ms, send to receive, across processes), the
// server-side time to write one broadcast, and the CPU one broadcast costs the writer and the reader.
// Their sum over the machine's cores is the least wall time any broadcast to N loopback subscribers
// can take here, however the server is built: the kernel's TCP work is most of it.

import { fork } from 'node:child_process';
import { createServer, type Socket, connect } from 'node:net';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

interface FloorResult {
  readonly subscribers: number;
  readonly rounds: number;
  readonly deliveries: number;
  readonly writeMsPerBroadcast: number;
  /** CPU time (user + system) per broadcast in the writing process. */
  readonly writerCpuMsPerBroadcast: number;
  /** CPU time per broadcast in the reading process. */
  readonly readerCpuMsPerBroadcast: number;
  /** (writer + reader CPU) / cores: no broadcast to N loopback subscribers completes sooner here. */
  readonly minWallMsPerBroadcast: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
}

const FRAME_BYTES = 120;
const now = () => performance.timeOrigin + performance.now();

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

/** The reader: opens the sockets, then records receive time − send time of every frame. */
async function reader(port: number, subscribers: number): Promise<void> {
  const latencies: number[] = [];
  // One read buffer for every socket, as the load generator's subscribers use (no allocation per read).
  const shared = Buffer.allocUnsafe(1 << 16);
  const open = (): Promise<void> =>
    new Promise((resolve, reject) => {
      let pending: Buffer = Buffer.alloc(0);
      const s = connect(
        {
          port,
          host: '127.0.0.1',
          onread: {
            buffer: shared,
            callback: (n) => {
              const t = now();
              let data = shared.subarray(0, n);
              if (pending.length > 0) data = Buffer.concat([pending, data]);
              let at = 0;
              for (; data.length - at >= FRAME_BYTES; at += FRAME_BYTES) {
                latencies.push(t - data.readDoubleLE(at + 2));
              }
              pending = Buffer.from(data.subarray(at));
              return true;
            },
          },
        },
        () => resolve(),
      );
      s.setNoDelay(true);
      s.once('error', reject);
    });
  for (let i = 0; i < subscribers; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, subscribers - i) }, open));
  }
  let cpuAtStart = process.cpuUsage();
  process.send!({ kind: 'ready' });
  process.on('message', (m: { kind: string }) => {
    if (m.kind === 'start') cpuAtStart = process.cpuUsage();
    if (m.kind === 'report') {
      const cpu = process.cpuUsage(cpuAtStart);
      process.send!({ kind: 'latencies', latencies, cpuMs: (cpu.user + cpu.system) / 1000 });
    }
  });
}

function percentiles(values: number[]): FloorResult['latencyMs'] {
  const s = Float64Array.from(values).sort();
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), max: s.at(-1) ?? Number.NaN };
}

async function writer(
  subscribers: number,
  rounds: number,
  intervalMs: number,
): Promise<FloorResult> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    s.setNoDelay(true);
    s.on('error', () => s.destroy());
    sockets.push(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const child = fork(fileURLToPath(import.meta.url), [
    '--reader',
    String(port),
    String(subscribers),
  ]);
  const message = (kind: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const on = (m: Record<string, unknown>) => {
        if (m.kind !== kind) return;
        child.off('message', on);
        resolve(m);
      };
      child.on('message', on);
    });
  await message('ready');
  while (sockets.length < subscribers) await new Promise((r) => setTimeout(r, 10));
  let writeMs = 0;
  child.send({ kind: 'start' });
  const cpuAtStart = process.cpuUsage();
  // Open loop, like the exchange's fan-out test: broadcast k is due at start + k × interval and is
  // stamped with that time, so a writer that falls behind shows it as latency.
  const start = now() + 100;
  for (let round = 0; round < rounds; round++) {
    const due = start + round * intervalMs;
    const wait = due - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // A WebSocket text frame: 2-byte header, then the payload (which starts with the due time).
    const frame = Buffer.alloc(FRAME_BYTES, 0x20);
    frame[0] = 0x81;
    frame[1] = FRAME_BYTES - 2;
    frame.writeDoubleLE(due, 2);
    const started = performance.now();
    for (const s of sockets) s.write(frame);
    writeMs += performance.now() - started;
    // Let the event loop run between broadcasts, as a server's would.
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 1_000));
  const writerCpu = process.cpuUsage(cpuAtStart);
  const report = message('latencies');
  child.send({ kind: 'report' });
  const { latencies, cpuMs: readerCpuMs } = (await report) as unknown as {
    latencies: number[];
    cpuMs: number;
  };
  const writerCpuMs = (writerCpu.user + writerCpu.system) / 1000;
  child.kill();
  for (const s of sockets) s.destroy();
  server.close();
  return {
    subscribers,
    rounds,
    deliveries: latencies.length,
    writeMsPerBroadcast: writeMs / rounds,
    writerCpuMsPerBroadcast: writerCpuMs / rounds,
    readerCpuMsPerBroadcast: readerCpuMs / rounds,
    minWallMsPerBroadcast: (writerCpuMs + readerCpuMs) / rounds / availableParallelism(),
    latencyMs: percentiles(latencies),
  };
}

if (process.argv[2] === '--reader') {
  await reader(Number(process.argv[3]), Number(process.argv[4]));
} else {
  const result = await writer(
    arg('subscribers', 10_000),
    arg('rounds', 30),
    arg('interval-ms', 100),
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
