// Runs a local etcd cluster of real Debian `etcd` members on loopback: for tests and benchmarks (a temp
// dir, killed at exit no matter what) and for `bourse cluster up` (a data dir that outlives the call).
// Each member keeps its client and peer ports across restarts, so a killed member can come back.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { createEtcdClient } from './etcd-client.ts';
import { startOnFreshPorts } from './loopback-ports.ts';

export const MISSING_ETCD =
  'etcd was not found on PATH. Run scripts/ensure-cluster-tools.sh (as root it installs Debian’s ' +
  'etcd-server, etcd-client, nats-server and haproxy).';

/** Most time a member gets to answer after start; a busy 2-core machine is slow, never this slow. */
const READY_TIMEOUT_MS = 60_000;

export interface EtcdMemberSpec {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
}

export interface EtcdClusterOptions {
  /** Where member data dirs and logs go; a fresh temp dir (deleted on stop) when omitted. */
  readonly dir?: string;
  readonly members?: number;
  /**
   * Raft heartbeat and election timeout (ms). etcd's defaults are 100 and 1000; here 200 and 1000:
   * the leader's heartbeats (and each follower's answers) are most of an idle member's work, and
   * the election timeout, which alone sets how soon a dead leader is replaced, is unchanged (etcd
   * asks for at least 5 heartbeats in it).
   */
  readonly heartbeatMs?: number;
  readonly electionMs?: number;
  /** Backend quota (bytes); etcd raises a NOSPACE alarm and refuses writes beyond it. */
  readonly quotaBytes?: number;
  /** The members' client and peer ports, two per member in that order; fresh ones when omitted. */
  readonly ports?: readonly number[];
}

/** The command line of one member, also what a systemd unit for it would run. */
export function etcdMemberArgs(
  member: EtcdMemberSpec,
  all: readonly EtcdMemberSpec[],
  dataDir: string,
  opts: EtcdClusterOptions = {},
): string[] {
  const peer = (m: EtcdMemberSpec) => `http://127.0.0.1:${m.peerPort}`;
  const client = `http://127.0.0.1:${member.clientPort}`;
  const args = [
    `--name=${member.name}`,
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer(member)}`,
    `--initial-advertise-peer-urls=${peer(member)}`,
    `--initial-cluster=${all.map((m) => `${m.name}=${peer(m)}`).join(',')}`,
    '--initial-cluster-state=new',
    '--initial-cluster-token=bourse',
    `--heartbeat-interval=${opts.heartbeatMs ?? 200}`,
    `--election-timeout=${opts.electionMs ?? 1000}`,
    `--quota-backend-bytes=${opts.quotaBytes ?? 2 * 1024 ** 3}`,
    // Revisions older than the newest 10,000 go: the log's own trimming deletes keys, this reclaims them.
    '--auto-compaction-mode=revision',
    '--auto-compaction-retention=10000',
    '--logger=zap',
    '--log-outputs=stderr',
  ];
  return args;
}

export class EtcdMember {
  readonly spec: EtcdMemberSpec;
  readonly #args: string[];
  readonly #logPath: string;
  #child: ChildProcess | undefined;
  /** Set when this process stopped the member: its exit is then no failure. */
  #stopped = false;

  constructor(spec: EtcdMemberSpec, args: string[], logPath: string) {
    this.spec = spec;
    this.#args = args;
    this.#logPath = logPath;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.spec.clientPort}`;
  }

  get pid(): number | undefined {
    return this.#child?.exitCode === null ? this.#child.pid : undefined;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && !this.#child.killed;
  }

  start(): void {
    if (this.running) return;
    const log = openSync(this.#logPath, 'a');
    this.#stopped = false;
    this.#child = spawn('etcd', this.#args, { stdio: ['ignore', log, log] });
    this.#child.on('error', () => {});
  }

  /**
   * Why the member is gone when it ended on its own (it could not bind a port, its data dir was
   * refused): its exit code and the end of its log. Undefined while it runs or after a kill.
   */
  failure(): string | undefined {
    const child = this.#child;
    if (
      child === undefined ||
      this.#stopped ||
      (child.exitCode === null && child.signalCode === null)
    ) {
      return undefined;
    }
    const log = existsSync(this.#logPath) ? readFileSync(this.#logPath, 'utf8').slice(-2_000) : '';
    return `etcd member ${this.spec.name} exited (${child.exitCode ?? child.signalCode}):\n${log}`;
  }

  /** Resolves once this member answers on its own client endpoint. */
  async status(): Promise<void> {
    const client = new Etcd3({ hosts: [this.endpoint], dialTimeout: 1000 });
    try {
      await client.maintenance.status();
    } finally {
      client.close();
    }
  }

  /** Sends a signal (SIGKILL by default) and, for a kill, waits until the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.#stopped = true;
    child.kill(signal);
    if (signal === 'SIGKILL' || signal === 'SIGTERM') await exited;
  }

  killSync(): void {
    const child = this.#child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      this.#stopped = true;
      child.kill('SIGKILL');
    }
  }
}

export class EtcdCluster {
  readonly members: readonly EtcdMember[];
  readonly dir: string;
  readonly #ownsDir: boolean;
  readonly #onExit = () => this.#stopSync();

  private constructor(members: EtcdMember[], dir: string, ownsDir: boolean) {
    this.members = members;
    this.dir = dir;
    this.#ownsDir = ownsDir;
  }

  /**
   * Starts every member and waits until each serves and a quorum takes a write. On fresh loopback
   * ports unless `opts.ports` names them; a start that finds a fresh port taken is tried again on
   * others (loopback-ports.ts).
   */
  static async start(opts: EtcdClusterOptions = {}): Promise<EtcdCluster> {
    const count = opts.members ?? 3;
    if (opts.ports !== undefined) return EtcdCluster.#startOn(opts.ports, count, opts);
    return startOnFreshPorts(count * 2, (ports) => EtcdCluster.#startOn(ports, count, opts));
  }

  static async #startOn(
    ports: readonly number[],
    count: number,
    opts: EtcdClusterOptions,
  ): Promise<EtcdCluster> {
    if (ports.length !== count * 2)
      throw new Error(`${count} etcd members need ${count * 2} ports`);
    const ownsDir = opts.dir === undefined;
    const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'bourse-etcd-'));
    mkdirSync(dir, { recursive: true });
    const specs: EtcdMemberSpec[] = [];
    for (let i = 0; i < count; i++) {
      specs.push({ name: `etcd${i + 1}`, clientPort: ports[2 * i]!, peerPort: ports[2 * i + 1]! });
    }
    // A failed start leaves no member data behind: the next one's ports would not match it.
    const fresh = specs.filter((spec) => !existsSync(join(dir, spec.name)));
    const members = specs.map(
      (spec) =>
        new EtcdMember(
          spec,
          etcdMemberArgs(spec, specs, join(dir, spec.name), opts),
          join(dir, `${spec.name}.log`),
        ),
    );
    const cluster = new EtcdCluster(members, dir, ownsDir);
    process.on('exit', cluster.#onExit);
    try {
      for (const m of members) m.start();
      await cluster.waitWritable();
      return cluster;
    } catch (error) {
      await cluster.stop();
      for (const spec of fresh) rmSync(join(dir, spec.name), { recursive: true, force: true });
      throw error;
    }
  }

  get endpoints(): string[] {
    return this.members.map((m) => m.endpoint);
  }

  /** A client over every member's endpoint (the caller closes it). */
  client(): Etcd3 {
    return createEtcdClient(this.endpoints);
  }

  /**
   * Resolves once a quorum accepts a write and every running member answers (after start, or after a
   * member came back); rejects at once when a member ended on its own, since a quorum without it
   * would only fail later, when a test stops another member.
   */
  async waitWritable(timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const client = this.client();
    const deadline = Date.now() + timeoutMs;
    const failed = () => {
      const why = this.members.map((m) => m.failure()).find((f) => f !== undefined);
      if (why !== undefined) throw new Error(why);
    };
    try {
      for (;;) {
        failed();
        try {
          await client.put('/bourse-ready').value(String(Date.now())).exec();
          await Promise.all(this.members.filter((m) => m.running).map((m) => m.status()));
          failed();
          return;
        } catch (error) {
          failed();
          if (Date.now() > deadline) throw new Error(`etcd not writable: ${String(error)}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    } finally {
      client.close();
    }
  }

  /** The member that currently leads etcd's own Raft group. */
  async raftLeader(): Promise<EtcdMember | undefined> {
    for (const m of this.members) {
      if (!m.running) continue;
      const client = new Etcd3({ hosts: [m.endpoint], dialTimeout: 1000 });
      try {
        const status = await client.maintenance.status();
        if (status.leader === status.header.member_id) return m;
      } catch {
        // This member is not answering: ask the next.
      } finally {
        client.close();
      }
    }
    return undefined;
  }

  async stop(): Promise<void> {
    process.off('exit', this.#onExit);
    await Promise.all(this.members.map((m) => m.kill('SIGKILL')));
    if (this.#ownsDir && existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
  }

  #stopSync(): void {
    for (const m of this.members) m.killSync();
    if (this.#ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}
