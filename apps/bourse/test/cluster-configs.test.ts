// The configurations a cluster runs with are valid for the Debian programs that read them: the HAProxy
// configuration `bourse cluster up` writes and the one shipped in deploy/, and the nats-server ones.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { clusterMetricsRegistry, createClusterMetrics, natsServerConfig } from '@bourse/cluster';
import { observe } from '@bourse/core';
import { aggregateNodeMetrics } from '../src/cluster/cluster-metrics.ts';
import { haproxyConfig } from '../src/cluster/haproxy-config.ts';

const DEPLOY = fileURLToPath(new URL('../../../deploy/', import.meta.url));
const HAPROXY = '/usr/sbin/haproxy';
const NATS = '/usr/sbin/nats-server';

function check(bin: string, args: string[]): void {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `${bin} ${args.join(' ')}:\n${r.stdout}${r.stderr}`);
}

test('HAProxy accepts the generated and the shipped configuration', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-cfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'haproxy.cfg');
  writeFileSync(
    path,
    haproxyConfig({
      bind: '127.0.0.1:8080',
      gateways: [
        { name: 'gateway1', host: '127.0.0.1', port: 1 },
        { name: 'gateway2', host: '127.0.0.1', port: 2 },
      ],
      stats: '127.0.0.1:8404',
    }),
  );
  check(HAPROXY, ['-c', '-f', path]);
  check(HAPROXY, ['-c', '-f', join(DEPLOY, 'haproxy.cfg')]);
});

test('nats-server accepts the generated and the shipped configuration', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-cfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'nats.conf');
  writeFileSync(path, natsServerConfig('127.0.0.1', 4222, 8222));
  check(NATS, ['-c', path, '-t']);
  check(NATS, ['-c', join(DEPLOY, 'nats-server.conf'), '-t']);
});

test('node metrics merge into one family each, samples of every node together', async () => {
  const a = createClusterMetrics();
  const b = createClusterMetrics();
  a.term = 1;
  b.term = 2;
  b.leader = 1;
  observe(b.appendLatencySeconds, 0.004);
  const text = await aggregateNodeMetrics([
    await clusterMetricsRegistry('a', a).getMetricsAsJSON(),
    await clusterMetricsRegistry('b', b).getMetricsAsJSON(),
  ]);
  assert.equal(text.match(/^# TYPE bourse_cluster_term gauge$/gm)?.length, 1);
  assert.match(text, /^bourse_cluster_term\{node="a"\} 1$/m);
  assert.match(text, /^bourse_cluster_term\{node="b"\} 2$/m);
  assert.match(text, /^bourse_cluster_leader\{node="b"\} 1$/m);
  assert.match(text, /^bourse_cluster_append_latency_seconds_count\{node="b"\} 1$/m);
  assert.match(text, /^bourse_cluster_append_latency_seconds_bucket\{le="\+Inf",node="a"\} 0$/m);
  assert.match(text, /^bourse_cluster_nodes_answering 2$/m);
});
