// The monitoring shipped in deploy/ works with the server as it is: promtool accepts the Prometheus
// configuration and alert rules (and their unit tests pass), every metric they and the Grafana dashboard name is on a running
// server's /metrics page (so they cannot drift from it), and a real Prometheus scrapes that server.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { clusterMetricsRegistry, createClusterMetrics, freePorts } from '@bourse/cluster';
import { Registry } from 'prom-client';
import { addGatewayClusterFamilies, aggregateNodeMetrics } from '../src/cluster/cluster-metrics.ts';
import { type Served, serve } from './fixtures/served-exchange.ts';

const DEPLOY = fileURLToPath(new URL('../../../deploy/', import.meta.url));
const CONFIG = join(DEPLOY, 'prometheus', 'prometheus.yml');
const RULES = join(DEPLOY, 'prometheus', 'bourse-rules.yml');
const RULE_TESTS = join(DEPLOY, 'prometheus', 'bourse-rules.test.yml');
const DASHBOARD = join(DEPLOY, 'grafana', 'bourse-dashboard.json');
/** Series Prometheus makes for every target itself. */
const PROMETHEUS_OWN = new Set(['up']);

let dir = '';
let server: Served | undefined;
let exported = new Set<string>();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bourse-obs-'));
  server = await serve(join(dir, 'data'));
  // A cluster gateway's page adds the engine nodes' metrics and its own view of the cluster.
  const nodes = await aggregateNodeMetrics([
    await clusterMetricsRegistry('n1', createClusterMetrics()).getMetricsAsJSON(),
  ]);
  const gatewayView = new Registry();
  addGatewayClusterFamilies(
    gatewayView,
    () => ({
      term: 1,
      deliveredSeq: 0,
      gapsFilled: 0,
      replayedCommands: 0,
      retries: 0,
      abandonedOnLeaderChange: 0,
    }),
    () => 0,
  );
  const cluster = nodes + (await gatewayView.metrics());
  const page = (await (await fetch(`${server.url}/metrics`)).text()) + cluster;
  // Sample names (histograms' _bucket, _sum, _count) and declared families, for a labelled counter
  // that has no series until its first count.
  exported = new Set([
    ...Array.from(page.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/gm), (m) => m[1]!),
    ...Array.from(page.matchAll(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) /gm), (m) => m[1]!),
  ]);
});

after(async () => {
  if (server && server.child.exitCode === null) {
    const exited = new Promise((r) => server!.child.once('exit', r));
    server.child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

function check(args: string[]): void {
  const r = spawnSync('promtool', args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `promtool ${args.join(' ')}:\n${r.stdout}${r.stderr}`);
}

/** The metric names a PromQL expression reads: identifiers that are neither functions nor keywords. */
function metricNames(expr: string): string[] {
  const unquoted = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\{[^}]*\}/g, '');
  const names = unquoted.match(/\b(?:bourse_[a-z0-9_]+|up)\b(?!\s*\()/g) ?? [];
  return [...new Set(names)];
}

function dashboardExprs(): string[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: { title: string; targets: { expr: string }[] }[];
    templating: { list: { definition?: string }[] };
  };
  const exprs = dashboard.panels.flatMap((p) => {
    assert.ok(p.targets.length > 0, `panel ${p.title} has no query`);
    return p.targets.map((t) => t.expr);
  });
  for (const v of dashboard.templating.list) if (v.definition) exprs.push(v.definition);
  return exprs;
}

test('promtool accepts the shipped Prometheus configuration and alert rules', () => {
  check(['check', 'config', CONFIG]);
  check(['check', 'rules', RULES]);
});

test('the alert rules fire on made-up series of each trouble and stay quiet on a healthy server', () => {
  check(['test', 'rules', RULE_TESTS]);
});

test('every metric the dashboard and the alert rules read is on the /metrics page', () => {
  const exprs = dashboardExprs();
  const rules = readFileSync(RULES, 'utf8');
  exprs.push(...(rules.match(/\bbourse_[a-z0-9_]+/g) ?? []));
  let read = 0;
  for (const expr of exprs) {
    const names = metricNames(expr);
    assert.ok(names.length > 0, `reads no Bourse metric: ${expr}`);
    for (const name of names) {
      assert.ok(
        exported.has(name) || PROMETHEUS_OWN.has(name),
        `${name} (in ${expr}) is not exported`,
      );
      read++;
    }
  }
  assert.ok(read > 20, `only ${read} metric references found`);
  // The panels the operators asked for are there.
  const all = exprs.join('\n');
  for (const name of [
    'bourse_commands_total',
    'bourse_ack_latency_seconds_bucket',
    'bourse_fsync_latency_seconds_bucket',
    'bourse_engine_queue_depth',
    'bourse_projection_lag_commands',
    'bourse_ws_connections',
    'bourse_rejects_total',
    'bourse_rejects_by_code_total',
    'bourse_event_loop_delay_seconds_bucket',
    'bourse_journal_stalled',
    'bourse_core_failed',
    'bourse_data_dir_free_bytes',
    'bourse_cluster_leader',
    'bourse_gateway_cluster_term',
  ]) {
    assert.ok(all.includes(name), `nothing reads ${name}`);
  }
});

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

interface QueryResult {
  status: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

/** Asks Prometheus until `query` has a series (bounded: a slow machine only makes it wait longer). */
async function queryUntilFound(
  base: string,
  query: string,
): Promise<QueryResult['data']['result']> {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(query)}`);
      const body = (await r.json()) as QueryResult;
      if (body.status === 'success' && body.data.result.length > 0) return body.data.result;
      last = JSON.stringify(body);
    } catch (e) {
      last = String(e); // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no series for ${query} within 60 s; last answer: ${last}`);
}

test('a real Prometheus scrapes the server and answers its series', async (t) => {
  const target = new URL(server!.url).host;
  const promDir = join(dir, 'prometheus');
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: ['${RULES}']`,
      'scrape_configs:',
      '  - job_name: bourse',
      `    static_configs: [{ targets: ['${target}'] }]`,
      '',
    ].join('\n'),
  );
  const [port] = await freePorts(1);
  const prometheus = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${promDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  prometheus.stderr!.on('data', (d: Buffer) => {
    log += d.toString();
  });
  t.after(() => stop(prometheus));
  const base = `http://127.0.0.1:${port}`;
  try {
    const up = await queryUntilFound(base, 'up{job="bourse"} == 1');
    assert.equal(up[0]!.metric.instance, target);
    const stalled = await queryUntilFound(base, 'bourse_journal_stalled{job="bourse"}');
    assert.equal(stalled[0]!.value[1], '0');
    const buckets = await queryUntilFound(base, 'bourse_ack_latency_seconds_bucket{job="bourse"}');
    assert.equal(buckets.length, 17, 'every latency bucket (16 bounds and +Inf) is a series');
    await queryUntilFound(base, 'bourse_data_dir_free_bytes{job="bourse"} > 0');
    const rules = (await (await fetch(`${base}/api/v1/rules`)).json()) as {
      data: { groups: { rules: unknown[] }[] };
    };
    const loaded = rules.data.groups.reduce((n, g) => n + g.rules.length, 0);
    assert.ok(loaded >= 10, `Prometheus loaded ${loaded} alert rules`);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nprometheus log:\n${log}`);
  }
});
