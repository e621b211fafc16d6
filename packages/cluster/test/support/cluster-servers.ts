// The real servers a cluster test runs against, on loopback: three etcd members and, unless the test
// needs no bus, a nats-server, with an etcd client, under one temp dir that the test's nodes and
// journals use too. `stop` ends them and removes the dir; a test file that ends without it leaves no
// server behind (each one kills itself when the process exits).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Etcd3 } from 'etcd3';
import { EtcdCluster } from '../../src/etcd-members.ts';
import { NatsServerProcess } from '../../src/nats-server-process.ts';

export class ClusterServers {
  readonly dir: string;
  readonly etcd: EtcdCluster;
  readonly client: Etcd3;
  readonly #nats: NatsServerProcess | undefined;

  private constructor(dir: string, etcd: EtcdCluster, nats: NatsServerProcess | undefined) {
    this.dir = dir;
    this.etcd = etcd;
    this.#nats = nats;
    this.client = etcd.client();
  }

  /** `name` names the temp dir (`bourse-<name>-…`); `nats: false` starts no nats-server. */
  static async start(name: string, opts: { nats?: boolean } = {}): Promise<ClusterServers> {
    const dir = mkdtempSync(join(tmpdir(), `bourse-${name}-`));
    try {
      const etcd = await EtcdCluster.start({ dir: join(dir, 'etcd') });
      const nats =
        opts.nats === false
          ? undefined
          : await NatsServerProcess.start().catch(async (error: unknown) => {
              await etcd.stop();
              throw error;
            });
      return new ClusterServers(dir, etcd, nats);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** See `etcdMetricSum`. */
  etcdMetricSum(re: RegExp): Promise<number> {
    return etcdMetricSum(this.etcd, re);
  }

  get nats(): NatsServerProcess {
    if (this.#nats === undefined) throw new Error('started without a nats-server');
    return this.#nats;
  }

  async stop(): Promise<void> {
    this.client.close();
    await this.#nats?.stop();
    await this.etcd.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A sum over the etcd members' own /metrics of the samples whose line matches `re` (global and
 * multiline; one capture: the value), e.g. their WAL fsyncs or the watch messages they received.
 */
export async function etcdMetricSum(etcd: EtcdCluster, re: RegExp): Promise<number> {
  let sum = 0;
  for (const url of etcd.endpoints) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const m of text.matchAll(re)) sum += Number(m[1]);
  }
  return sum;
}
