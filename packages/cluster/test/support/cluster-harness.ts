// A real cluster for the engine-node tests: three etcd members, one nats-server (cluster-servers.ts)
// and N `bourse cluster node` processes, each with its own data dir under one temp dir, all killed
// (and the dir removed) when the test file ends, whatever happens. A raw protocol client speaks to it
// over NATS.

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { CommandInput } from '@bourse/core';
import type { EtcdCluster } from '../../src/etcd-members.ts';
import type { Command } from '@bourse/engine';
import { FencedLog } from '../../src/fenced-log.ts';
import { batchCommands, type LogBatch } from '../../src/log-format.ts';
import type { NatsServerProcess } from '../../src/nats-server-process.ts';
import {
  clusterSubjects,
  decodeMessage,
  encodeMessage,
  type ReplayReply,
  type StatusReply,
  type SubmitReply,
} from '../../src/protocol.ts';
import { ClusterServers } from './cluster-servers.ts';

const MAIN = new URL('../../../../apps/bourse/src/main.ts', import.meta.url).pathname;
/** Most time a node gets to print its ready line; a machine at load 30 is slow, never this slow. */
const NODE_READY_MS = 120_000;

export interface NodeProcess {
  readonly id: string;
  child: ChildProcess;
  stderr: string;
}

export class ClusterHarness {
  readonly dir: string;
  readonly etcd: EtcdCluster;
  readonly nats: NatsServerProcess;
  readonly client: NatsConnection;
  readonly nodes = new Map<string, NodeProcess>();
  readonly subjects = clusterSubjects();
  readonly #nodeArgs: string[];
  readonly #servers: ClusterServers;
  readonly #onExit = () => {
    for (const n of this.nodes.values()) n.child.kill('SIGKILL');
  };

  private constructor(servers: ClusterServers, client: NatsConnection, nodeArgs: string[]) {
    this.#servers = servers;
    this.dir = servers.dir;
    this.etcd = servers.etcd;
    this.nats = servers.nats;
    this.client = client;
    this.#nodeArgs = nodeArgs;
    process.on('exit', this.#onExit);
  }

  static async start(nodeArgs: string[] = []): Promise<ClusterHarness> {
    const servers = await ClusterServers.start('cluster');
    const client = await connect({ servers: servers.nats.url, maxReconnectAttempts: -1 });
    return new ClusterHarness(servers, client, nodeArgs);
  }

  /**
   * Starts (or restarts) a node process and waits for its `ready` line; `etcd` limits which members it
   * talks to (all by default), so a test can cut one node off from etcd by killing its member.
   */
  async startNode(id: string, etcd: readonly string[] = this.etcd.endpoints): Promise<NodeProcess> {
    const args = [
      MAIN,
      'cluster',
      'node',
      `--node-id=${id}`,
      `--etcd=${etcd.join(',')}`,
      `--nats=${this.nats.url}`,
      `--data-dir=${join(this.dir, id)}`,
      ...this.#nodeArgs,
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const proc: NodeProcess = { id, child, stderr: '' };
    this.nodes.set(id, proc);
    child.stderr!.on('data', (chunk: Buffer) => {
      proc.stderr += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      // Bounded, so a node stuck at start fails its test with what it said, not at the file's timeout.
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`node ${id} was not ready in ${NODE_READY_MS} ms: ${proc.stderr}`));
      }, NODE_READY_MS);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (!out.includes('"event":"ready"')) return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`node ${id} exited ${code}: ${proc.stderr}`));
      });
    });
    return proc;
  }

  async kill(id: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const proc = this.nodes.get(id)!;
    const child = proc.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    if (signal === 'SIGKILL' || signal === 'SIGTERM') await exited;
  }

  async submit(inputs: CommandInput[], timeout = 10_000): Promise<SubmitReply> {
    const msg = await this.client.request(this.subjects.submit, encodeMessage({ inputs }), {
      timeout,
    });
    return decodeMessage<SubmitReply>(msg.data);
  }

  /** Submits until a leader acknowledges (through elections), within `deadlineMs`. */
  async submitOk(inputs: CommandInput[], deadlineMs = 120_000) {
    const end = Date.now() + deadlineMs;
    for (;;) {
      try {
        const reply = await this.submit(inputs, 5_000);
        if (reply.ok) return reply;
        if (reply.code === 'BAD_REQUEST') throw new Error(reply.message);
      } catch (error) {
        if (Date.now() > end) throw error;
      }
      if (Date.now() > end) throw new Error('no leader acknowledged in time');
      await sleep(200);
    }
  }

  /** Every node's status reply that arrives within `waitMs`. */
  async status(waitMs = 1000): Promise<StatusReply[]> {
    const replies = await this.client.requestMany(this.subjects.status, encodeMessage({}), {
      maxWait: waitMs,
    });
    const out: StatusReply[] = [];
    for await (const msg of replies) out.push(decodeMessage<StatusReply>(msg.data));
    return out.sort((a, b) => a.node.localeCompare(b.node));
  }

  async replay(fromSeq: number, toSeq: number): Promise<ReplayReply> {
    const msg = await this.client.request(this.subjects.replay, encodeMessage({ fromSeq, toSeq }), {
      timeout: 10_000,
    });
    return decodeMessage<ReplayReply>(msg.data);
  }

  /** Polls `check` until it returns a value (not undefined), within `timeoutMs`. */
  async until<T>(
    what: string,
    check: () => Promise<T | undefined>,
    timeoutMs = 120_000,
  ): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = await check().catch(() => undefined);
      if (value !== undefined) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  }

  async leader(exclude?: string): Promise<StatusReply> {
    return this.until('a leader', async () => {
      const all = await this.status(500);
      return all.find((s) => s.role === 'leader' && s.node !== exclude);
    });
  }

  /** The whole log as etcd holds it, each batch's commands decoded. */
  async logBatches(): Promise<(LogBatch & { commands: Command[] })[]> {
    const client = this.etcd.client();
    try {
      const log = new FencedLog(client, '/bourse');
      const out: (LogBatch & { commands: Command[] })[] = [];
      let next = 1;
      for (;;) {
        const { batches } = await log.read(next, 256);
        const fresh = batches.filter((b) => b.toSeq >= next);
        if (fresh.length === 0) return out;
        for (const b of fresh) out.push({ ...b, commands: batchCommands(b) });
        next = fresh.at(-1)!.toSeq + 1;
      }
    } finally {
      client.close();
    }
  }

  async stop(): Promise<void> {
    process.off('exit', this.#onExit);
    for (const n of this.nodes.values()) {
      n.child.kill('SIGCONT');
      n.child.kill('SIGKILL');
    }
    await this.client.close().catch(() => {});
    await this.#servers.stop();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
