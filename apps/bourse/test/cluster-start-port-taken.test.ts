// `bourse cluster up` starts etcd, nats-server and HAProxy detached and waits until they serve, and
// PostgreSQL through pg_ctl. When one of them cannot bind its port (another process holds it, as can
// happen in a shared run between choosing a port and the program binding it), the start fails at once
// and says why, rather than running out its two minutes or letting two etcd members answer for a
// third that is gone.

import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { etcdMemberArgs, freePorts, NATS_SERVER_BIN, natsServerConfig } from '@bourse/cluster';
import { type DetachedProgram, startDetached, waitServing } from '../src/cluster/detached-start.ts';
import { haproxyConfig } from '../src/cluster/haproxy-config.ts';
import { startLocalPostgres } from '../src/cluster/local-postgres.ts';

/** A check that never passes: only the program's exit can end the wait before its deadline. */
const never = async () => false;

describe('a detached start whose port is taken', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-port-taken-'));
  // As `cluster up` does with its data dir: PostgreSQL runs as its own user when we are root.
  chmodSync(dir, 0o711);
  const started: DetachedProgram[] = [];
  let holder: Server;
  let taken: number;

  before(async () => {
    holder = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    taken = (holder.address() as { port: number }).port;
  });

  after(async () => {
    for (const p of started) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (name: string, file: string, args: string[]) => {
    const program = startDetached(name, file, args, join(dir, `${name}.log`));
    started.push(program);
    return program;
  };

  it('fails at once when an etcd member cannot bind its client port', async () => {
    const [peerPort] = await freePorts(1);
    const spec = { name: 'etcd1', clientPort: taken, peerPort: peerPort! };
    const etcd = start('etcd1', 'etcd', etcdMemberArgs(spec, [spec], join(dir, 'etcd1')));
    await assert.rejects(
      waitServing('etcd', [etcd], never),
      /etcd1 exited \(1\) while starting:.*address already in use/s,
    );
  });

  it('fails at once when nats-server cannot bind its port', async () => {
    const conf = join(dir, 'nats.conf');
    writeFileSync(conf, natsServerConfig('127.0.0.1', taken));
    const nats = start('nats', NATS_SERVER_BIN!, ['-c', conf]);
    await assert.rejects(
      waitServing('nats-server', [nats], never),
      /nats exited \(1\) while starting:.*address already in use/s,
    );
  });

  it('fails at once when HAProxy cannot bind its port', async () => {
    const cfg = join(dir, 'haproxy.cfg');
    const gateways = [{ name: 'gateway1', host: '127.0.0.1', port: 1 }];
    writeFileSync(
      cfg,
      haproxyConfig({ bind: `127.0.0.1:${taken}`, gateways, maxConnections: 1_000 }),
    );
    const haproxy = start('haproxy', '/usr/sbin/haproxy', ['-db', '-f', cfg]);
    await assert.rejects(
      waitServing('HAProxy', [haproxy], never),
      /haproxy exited \(\d+\) while starting:.*Address already in use/s,
    );
  });

  it('fails a PostgreSQL start with the server log when its port is taken', async () => {
    await assert.rejects(
      startLocalPostgres(join(dir, 'postgres'), taken),
      /could not start server.*Address already in use/s,
    );
  });
});
