// A server that cannot bind its port makes its start fail at once, with the reason, rather than a
// cluster that starts short of a member (and hangs when a test later stops another one) or a wait
// that runs out its whole timeout. Another process holds the port here, as it can in a shared run
// when a port handed to a server is taken before the server binds it.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { EtcdCluster, freePorts, NatsServerProcess } from '@bourse/cluster';

describe('a server whose port is taken', { timeout: 180_000 }, () => {
  let holder: Server;
  let taken: number;

  before(async () => {
    // Connections to it (an etcd client's, sent to the member that is not there) are dropped at once.
    holder = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    taken = (holder.address() as { port: number }).port;
  });

  after(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it('fails a three-member etcd start when one member cannot bind its peer port', async () => {
    const ports = [...(await freePorts(5)), taken];
    await assert.rejects(
      EtcdCluster.start({ ports }).then((cluster) => cluster.stop()),
      (error: Error) => {
        assert.match(error.message, /etcd3 exited/);
        assert.match(error.message, /address already in use/);
        return true;
      },
    );
  });

  it('fails a one-member etcd start when its client port is taken', async () => {
    const [peer] = await freePorts(1);
    await assert.rejects(
      EtcdCluster.start({ members: 1, ports: [taken, peer!] }).then((cluster) => cluster.stop()),
      /etcd1 exited.*address already in use/s,
    );
  });

  it('fails a nats-server start on a taken port', async () => {
    await assert.rejects(
      NatsServerProcess.start(taken).then((nats) => nats.stop()),
      /nats-server exited.*address already in use/s,
    );
  });
});
