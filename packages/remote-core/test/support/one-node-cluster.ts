// A one-node cluster for the remote core's tests and the cluster gateways' tests above it: a real
// nats-server (with the cluster's own configuration) and PostgreSQL on loopback, and the test leader
// (single-node-leader.ts) on its own connection to the bus. Each test adds what it runs in front of
// it (a remote core and a projector in-process, or `bourse cluster gateway` processes); `stop` ends
// the leader, every connection it handed out and both servers.

import { NatsServerProcess } from '@bourse/cluster';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { PostgresTestServer } from '../../../projections/test/support/postgres-server.ts';
import { SingleNodeLeader, type SingleNodeLeaderOptions } from './single-node-leader.ts';

export class OneNodeCluster {
  readonly nats: NatsServerProcess;
  readonly pg: PostgresTestServer;
  readonly leader: SingleNodeLeader;
  readonly #connections: NatsConnection[];

  private constructor(
    nats: NatsServerProcess,
    pg: PostgresTestServer,
    leader: SingleNodeLeader,
    connections: NatsConnection[],
  ) {
    this.nats = nats;
    this.pg = pg;
    this.leader = leader;
    this.#connections = connections;
  }

  static async start(leader: Omit<SingleNodeLeaderOptions, 'nats'> = {}): Promise<OneNodeCluster> {
    const nats = await NatsServerProcess.start();
    const pg = await PostgresTestServer.start().catch(async (error: unknown) => {
      await nats.stop();
      throw error;
    });
    try {
      const conn = await connect({ servers: nats.url });
      const node = await SingleNodeLeader.start({ ...leader, nats: conn });
      return new OneNodeCluster(nats, pg, node, [conn]);
    } catch (error) {
      await nats.stop();
      await pg.stop();
      throw error;
    }
  }

  /** Another connection to the bus (a gateway's, a projector's); closed by `stop`. */
  async connect(): Promise<NatsConnection> {
    const conn = await connect({ servers: this.nats.url });
    this.#connections.push(conn);
    return conn;
  }

  async stop(): Promise<void> {
    await this.leader.close();
    for (const c of this.#connections) await c.close();
    await this.nats.stop();
    await this.pg.stop();
  }
}
