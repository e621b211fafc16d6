// The configurations a cluster runs with are valid for the Debian programs that read them: the HAProxy
// configuration `bourse cluster up` writes and the one shipped in deploy/, and the nats-server ones.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mergePrometheus } from '../src/cluster/cluster-metrics.ts';
import { natsServerConfig } from '../src/cluster/cluster-up.ts';
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
  writeFileSync(path, natsServerConfig('127.0.0.1', 4222));
  check(NATS, ['-c', path, '-t']);
  check(NATS, ['-c', join(DEPLOY, 'nats-server.conf'), '-t']);
});

test('node metrics merge into one family each, samples of every node together', () => {
  const node = (n: string, v: number) =>
    `# HELP bourse_cluster_term Term.\n# TYPE bourse_cluster_term gauge\nbourse_cluster_term{node="${n}"} ${v}\n` +
    `# HELP bourse_cluster_leader Leads.\n# TYPE bourse_cluster_leader gauge\nbourse_cluster_leader{node="${n}"} 0\n`;
  assert.equal(
    mergePrometheus([node('a', 1), node('b', 2)]),
    '# HELP bourse_cluster_term Term.\n# TYPE bourse_cluster_term gauge\n' +
      'bourse_cluster_term{node="a"} 1\nbourse_cluster_term{node="b"} 2\n' +
      '# HELP bourse_cluster_leader Leads.\n# TYPE bourse_cluster_leader gauge\n' +
      'bourse_cluster_leader{node="a"} 0\nbourse_cluster_leader{node="b"} 0\n',
  );
});
