// What metrics cost, in one run: the updates one acknowledged REST order makes (two counters and the
// ack-latency histogram) done as plain field increments and a fixed-bucket histogram (what the order path
// does) and done with prom-client's own Counter and Histogram; the `/metrics` page rendered by the
// prom-client registry over those fields; and, to weigh both, what one order costs the in-process
// exchange core (submit → journal → engine → durable ack) on this machine. Decision 0530 reads these.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CommandInput,
  createHistogram,
  LATENCY_BOUNDS_SECONDS,
  observe,
  openExchangeCore,
} from '@bourse/core';
import { createGatewayMetrics } from '../../packages/gateway/src/ops/gateway-metrics.ts';
import { Counter, Histogram, Registry } from 'prom-client';
import { limitOrder, marketSetup } from '../../packages/core/test/fixtures/market-setup.ts';
import { createMetricsRegistry } from '../../packages/gateway/src/ops/metrics-registry.ts';
import type { BenchOptions } from '../options.ts';
import { type Measurement, progress, type Suite, type SuiteResult } from '../report.ts';

const UPDATES = 5_000_000;
const RENDERS = 2_000;
const CORE_ORDERS = 40_000;
const RUNS = 3;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** A latency spread like real acks: mostly sub-millisecond, a few slower. */
function latencySeconds(i: number): number {
  return ((i * 2_654_435_761) % 1_000_003) / 1e9 + (i % 97 === 0 ? 0.004 : 0.0002);
}

function measure(name: string, n: number, runs: number, once: () => boolean): Measurement {
  const perSec: number[] = [];
  let valid = true;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    valid &&= once();
    perSec.push(n / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  return {
    suite: 'metrics',
    name,
    profile: '—',
    n,
    commandsPerSec: median(perSec),
    runsPerSec: perSec,
    valid,
    validation: 'counters and histogram counts read back equal the updates made',
  };
}

/** The order path's updates as the server makes them: field increments and `observe`. */
function plainFields(): boolean {
  const gw = createGatewayMetrics();
  const commands = { total: 0 };
  const ack = createHistogram();
  for (let i = 0; i < UPDATES; i++) {
    gw.httpRequests++;
    commands.total++;
    observe(ack, latencySeconds(i));
  }
  return gw.httpRequests === UPDATES && commands.total === UPDATES && ack.count === UPDATES;
}

/** The same updates with prom-client's own instruments. */
async function promClientInstruments(): Promise<boolean> {
  const registry = new Registry();
  const http = new Counter({ name: 'h_total', help: 'h', registers: [registry] });
  const commands = new Counter({ name: 'c_total', help: 'c', registers: [registry] });
  const ack = new Histogram({
    name: 'a_seconds',
    help: 'a',
    buckets: [...LATENCY_BOUNDS_SECONDS],
    registers: [registry],
  });
  for (let i = 0; i < UPDATES; i++) {
    http.inc();
    commands.inc();
    ack.observe(latencySeconds(i));
  }
  const [h, c, a] = await Promise.all([http.get(), commands.get(), ack.get()]);
  const count = a.values.find((v) => v.metricName === 'a_seconds_count')?.value;
  return h.values[0]?.value === UPDATES && c.values[0]?.value === UPDATES && count === UPDATES;
}

/**
 * Orders per second through the in-process core: submit, group commit (fsync), engine, ack; with
 * `recordTimings` the core also stamps each batch's stages for tracing.
 */
async function corePerOrder(
  recordTimings: boolean,
): Promise<{ ordersPerSec: number; valid: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-bench-metrics-'));
  const core = await openExchangeCore({ dataDir: dir, recordTimings });
  try {
    await core.submitBatch(marketSetup(20));
    const orders: CommandInput[] = [];
    for (let i = 0; i < CORE_ORDERS; i++) {
      const side = i % 2 === 0 ? 'buy' : 'sell';
      orders.push(limitOrder(1 + (i % 20), side, side === 'buy' ? 4_000 : 6_000, 1));
    }
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < orders.length; i += 100) {
      await Promise.all(orders.slice(i, i + 100).map((o) => core.submit(o)));
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return {
      ordersPerSec: CORE_ORDERS / seconds,
      valid: core.metrics.commandsTotal >= CORE_ORDERS,
    };
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(options: BenchOptions): Promise<SuiteResult> {
  void options;
  progress('metrics: order-path updates, plain fields');
  const plain = measure('order-path updates: plain fields', UPDATES, RUNS, plainFields);
  progress('metrics: order-path updates, prom-client instruments');
  const perSec: number[] = [];
  let valid = true;
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    valid &&= await promClientInstruments();
    perSec.push(UPDATES / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  const prom: Measurement = {
    ...plain,
    name: 'order-path updates: prom-client',
    commandsPerSec: median(perSec),
    runsPerSec: perSec,
    valid,
  };
  progress('metrics: /metrics page rendered by the registry');
  const dir = mkdtempSync(join(tmpdir(), 'bourse-bench-page-'));
  const core = await openExchangeCore({ dataDir: dir });
  const registry = createMetricsRegistry({
    core,
    gateway: createGatewayMetrics(),
    wsConnections: () => 0,
  });
  const renders: number[] = [];
  let pageOk = true;
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < RENDERS; i++)
      pageOk &&= (await registry.metrics()).includes('bourse_durable_seq');
    renders.push(RENDERS / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  await core.close();
  rmSync(dir, { recursive: true, force: true });
  const page: Measurement = {
    ...plain,
    name: '/metrics page renders (prom-client registry)',
    n: RENDERS,
    commandsPerSec: median(renders),
    runsPerSec: renders,
    valid: pageOk,
    validation: 'every render holds the families',
  };
  const coreRow = await coreRun(false, plain);
  const timedRow = await coreRun(true, plain);
  return {
    measurements: [plain, prom, page, coreRow, timedRow],
    notes: notes(plain, prom, page, coreRow),
  };
}

/** Orders through the core, without and with stage timings (tracing off and on), alternating runs. */
async function coreRun(recordTimings: boolean, template: Measurement): Promise<Measurement> {
  progress(`metrics: orders through the in-process core, timings ${recordTimings ? 'on' : 'off'}`);
  const runs: number[] = [];
  let valid = true;
  for (let r = 0; r < RUNS; r++) {
    const c = await corePerOrder(recordTimings);
    runs.push(c.ordersPerSec);
    valid &&= c.valid;
  }
  return {
    ...template,
    name: `orders through the in-process core, stage timings ${recordTimings ? 'on' : 'off'}`,
    n: CORE_ORDERS,
    commandsPerSec: median(runs),
    runsPerSec: runs,
    valid,
    validation: 'the core counted every order; timings present exactly when recorded',
  };
}

function notes(
  plain: Measurement,
  prom: Measurement,
  page: Measurement,
  core: Measurement,
): string[] {
  const ns = (m: Measurement) => 1e9 / m.commandsPerSec;
  const extra = ns(prom) - ns(plain);
  return [
    `one order's metric updates: ${ns(plain).toFixed(1)} ns as plain fields, ` +
      `${ns(prom).toFixed(1)} ns with prom-client instruments (+${extra.toFixed(1)} ns)`,
    `one order through the in-process core: ${(ns(core) / 1000).toFixed(1)} µs; prom-client ` +
      `instruments would add ${((100 * extra) / ns(core)).toFixed(2)} % to it`,
    `one /metrics render: ${(ns(page) / 1000).toFixed(1)} µs (a scrape every 15 s)`,
  ];
}

export const metricsSuite: Suite = {
  name: 'metrics',
  title: 'Metrics: order-path and render cost',
  run,
};
