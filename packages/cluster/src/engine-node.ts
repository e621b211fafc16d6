// One engine node of the cluster: the local exchange core (engine worker, journal, snapshots, read
// models) driven either as a hot standby, applying the etcd log as it grows, or as the leader, which
// sequences commands from NATS and acknowledges them once its fenced append to the log succeeded. Every
// node campaigns; the winner applies the log to its tail, starts a new term and leads until its lease
// goes or an append is refused. Then it reopens its core from its own journal (dropping whatever its
// engine ran ahead of the log) and follows again.

import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Etcd3 } from 'etcd3';
import type { Registry } from 'prom-client';
import { createEtcdClient } from './etcd-client.ts';
import type { AppliedCommand, ReplicatingCore } from '@bourse/core';
import { EventLoopDelaySampler, openExchangeCore } from '@bourse/core';
import type { FileJournal } from '@bourse/journal';
import {
  type ClusterMetrics,
  createClusterMetrics,
  clusterMetricsRegistry,
} from './cluster-metrics.ts';
import { Election, type Leadership } from './election.ts';
import { FencedLog } from './fenced-log.ts';
import { encodeBatch } from './log-format.ts';
import { HashBook } from './hash-book.ts';
import { LeaderRequests } from './leader-requests.ts';
import { BehindLogError, LogFollower } from './log-follower.ts';
import { HOUSEKEEPING_MS, NodeHousekeeping, withTimeout } from './node-housekeeping.ts';
import { NodeServer } from './node-server.ts';
import { catchUpFromPeers, JOURNAL_REPLY_BYTES } from './peer-catch-up.ts';
import {
  DEFAULT_SUBJECT_PREFIX,
  type ErrorReply,
  type JournalReply,
  MAX_COMMANDS_PER_MESSAGE,
  type ReplayReply,
  type StatusReply,
} from './protocol.ts';
import { DEFAULT_RECENT_COMMANDS, RecentCommands } from './recent-commands.ts';
import { type LocalSyncPolicy, ReplicatedJournal } from './replicated-journal.ts';

export interface EngineNodeOptions {
  readonly node: string;
  readonly etcd: readonly string[];
  readonly nats: string | readonly string[];
  readonly dataDir: string;
  /** etcd key prefix `/<prefix>` and NATS subject prefix (default `bourse`). */
  readonly prefix?: string;
  readonly leaseTtlSeconds?: number;
  /** Commands between state-hash comparisons (default 10,000). */
  readonly hashEvery?: number;
  readonly snapshotEvery?: number;
  /** Commands kept in the log behind the newest local snapshot before trimming (default 100,000). */
  readonly logRetainCommands?: number;
  readonly recentCommands?: number;
  /** How the local journal is written behind the log (default: every 100 ms or 1 MiB). */
  readonly localSync?: LocalSyncPolicy;
  /** Fenced appends the leader keeps in flight (default 1; decision 0935). */
  readonly appendsInFlight?: number;
  /** Least ms between the leader's fenced appends' starts (default 12; decision 0946). */
  readonly appendSpacingMs?: number;
  readonly clock?: () => number;
  /** One structured line per notable event (role changes, alarms). */
  readonly log?: (line: Record<string, unknown>) => void;
  /**
   * Told `standby` as the node starts and whenever it stops leading, `leader` the moment it wins an
   * election (before it catches up and takes over); a process sets its CPU priority here (decision 0989).
   */
  readonly onRole?: (role: 'leader' | 'standby') => void;
}

/** Commands before a restart put back into the recent window (a bounded start-up cost). */
const SEED_RECENT_COMMANDS = 20_000;

export class EngineNode {
  readonly node: string;
  readonly metrics: ClusterMetrics = createClusterMetrics();
  readonly #metricsRegistry: Registry;
  readonly #loopDelay: EventLoopDelaySampler;
  readonly #opts: EngineNodeOptions;
  readonly #etcd: Etcd3;
  readonly #nc: NatsConnection;
  readonly #log: FencedLog;
  readonly #hashes: HashBook;
  readonly #election: Election;
  readonly #server: NodeServer;
  readonly #closing = new AbortController();
  /** Aborted by an alarm: the node stops campaigning as well. */
  readonly #halted = new AbortController();
  #recent: RecentCommands;
  #core!: ReplicatingCore;
  #journal!: ReplicatedJournal;
  #follower: LogFollower | undefined;
  #requests: LeaderRequests | undefined;
  #role: 'leader' | 'standby' = 'standby';
  #term = 0;
  #lastHash = { seq: 0, hash: '' };
  #pendingHashes: [number, string][] = [];
  #alarm: string | undefined;
  readonly #housekeeping: NodeHousekeeping;
  #campaign: Promise<void> | undefined;
  #deposed: (reason: string) => void = () => {};

  private constructor(opts: EngineNodeOptions, etcd: Etcd3, nc: NatsConnection) {
    this.node = opts.node;
    this.#metricsRegistry = clusterMetricsRegistry(
      opts.node,
      this.metrics,
      () => this.#core?.metrics.ackStages,
    );
    this.#loopDelay = new EventLoopDelaySampler(this.metrics.eventLoopDelaySeconds);
    this.#opts = opts;
    this.#etcd = etcd;
    this.#nc = nc;
    const prefix = `/${opts.prefix ?? DEFAULT_SUBJECT_PREFIX}`;
    this.#log = new FencedLog(etcd, prefix);
    this.#hashes = new HashBook(etcd, prefix);
    this.#election = new Election(etcd, opts.node, {
      prefix,
      ttlSeconds: opts.leaseTtlSeconds ?? 2,
    });
    this.#housekeeping = new NodeHousekeeping({
      etcd,
      log: this.#log,
      hashes: this.#hashes,
      metrics: this.metrics,
      dataDir: opts.dataDir,
      logRetainCommands: opts.logRetainCommands,
      role: () => this.#role,
      appliedSeq: () => this.#core?.durableSeq ?? 0,
      sawTerm: (term) => {
        this.#term = Math.max(this.#term, term);
      },
    });
    this.#recent = new RecentCommands(opts.recentCommands ?? DEFAULT_RECENT_COMMANDS);
    this.#server = new NodeServer(nc, opts.prefix ?? DEFAULT_SUBJECT_PREFIX, {
      submit: (r) => this.#requests?.submit(r) ?? Promise.resolve(this.#notLeader()),
      query: (r) => this.#requests?.query(r) ?? Promise.resolve(this.#notLeader()),
      replay: (r) => this.#replay(r.fromSeq, r.toSeq),
      journal: (r) => this.#journalFrom(r.fromSeq),
      status: () => this.status(),
    });
  }

  /** Opens the core from the data dir, joins the cluster as a standby and campaigns. */
  static async start(opts: EngineNodeOptions): Promise<EngineNode> {
    const etcd = createEtcdClient(opts.etcd);
    const servers = typeof opts.nats === 'string' ? [opts.nats] : [...opts.nats];
    const nc = await connect({
      servers,
      name: `bourse-node-${opts.node}@${hostname()}`,
      maxReconnectAttempts: -1,
    });
    const node = new EngineNode(opts, etcd, nc);
    opts.onRole?.('standby');
    try {
      await node.#openCore();
      await node.#seedRecent();
      // Report the term, lag and state hash at once, not from the next interval on.
      await Promise.all([node.#housekeeping.run(), node.#hashOnOpen()]);
      node.#startFollowing();
      node.#housekeeping.start();
      node.#loopDelay.start();
      node.#campaign = node.#campaignLoop();
      return node;
    } catch (error) {
      await node.close();
      throw error;
    }
  }

  get role(): 'leader' | 'standby' {
    return this.#role;
  }

  get term(): number {
    return this.#term;
  }

  get core(): ReplicatingCore {
    return this.#core;
  }

  get alarm(): string | undefined {
    return this.#alarm;
  }

  async status(): Promise<StatusReply> {
    const base: StatusReply = {
      node: this.node,
      role: this.#role,
      pid: process.pid,
      term: this.#term,
      appliedSeq: this.#core?.durableSeq ?? 0,
      stateHash: this.#lastHash.hash,
      hashSeq: this.#lastHash.seq,
      lagCommands: this.metrics.lagCommands,
      metrics: await this.#metricsRegistry.getMetricsAsJSON(),
    };
    return this.#alarm === undefined ? base : { ...base, alarm: this.#alarm };
  }

  async close(): Promise<void> {
    this.#closing.abort();
    this.#housekeeping.stop();
    this.#loopDelay.stop();
    this.#deposed('closing');
    await this.#campaign?.catch(() => {});
    await this.#follower?.stop();
    await this.#server.close();
    await this.#core?.close().catch(() => {});
    await this.#nc.drain().catch(() => {});
    this.#etcd.close();
  }

  async #openCore(): Promise<void> {
    this.#core = await openExchangeCore({
      dataDir: this.#opts.dataDir,
      ...(this.#opts.snapshotEvery === undefined
        ? {}
        : { snapshotEvery: this.#opts.snapshotEvery }),
      ...(this.#opts.clock === undefined ? {} : { clock: this.#opts.clock }),
      ticking: false,
      // The cluster's read models are the projector's (PostgreSQL): a node storing its own would
      // spend a core's worth of SQL writes across three nodes on tables nothing reads.
      readModels: false,
      // Events are forwarded as the engine wrote them (the leader's events stream) and kept as bytes
      // in the recent window; only a duplicate's reply or a JSON replay decodes them.
      lazyEvents: true,
      hashEvery: this.#opts.hashEvery ?? 10_000,
      onStateHash: (seq, hash) => this.#pendingHashes.push([seq, hash]),
      durability: (local: FileJournal) => {
        this.#journal = new ReplicatedJournal(
          local,
          this.#log,
          this.metrics,
          this.#opts.localSync,
          this.#opts.appendsInFlight ?? 1,
          this.#opts.appendSpacingMs,
        );
        this.#journal.onDeposed = (reason) => this.#deposed(reason);
        return this.#journal;
      },
    });
    this.#core.subscribe((batch) => this.#onDurable(batch));
  }

  /**
   * A restarted node's recent window starts with the last commands before the restart (recomputed
   * from disk), so a retried placeOrder sent before a whole-cluster restart is still answered with the
   * command already in the log, and replays of them come from memory.
   */
  async #seedRecent(): Promise<void> {
    const last = this.#core.durableSeq;
    if (last === 0 || this.#recent.lastSeq >= last) return;
    const from = Math.max(1, last - Math.min(SEED_RECENT_COMMANDS, this.#recent.capacity) + 1);
    try {
      const batch = await this.#core.appliedRange(from, last, last - from + 1);
      if (batch.length > 0) this.#recent.add(batch);
    } catch (error) {
      this.#say({ level: 'warn', msg: 'recent commands not recomputed', error: String(error) });
    }
  }

  /**
   * The state hash at the last hash interval this node's journal reaches, compared with the cluster's
   * as every hash is: computed while the journal was replayed, or else (the engine started from a
   * snapshot past it) recomputed from an older snapshot on a thread of its own.
   */
  async #hashOnOpen(): Promise<void> {
    const every = this.#opts.hashEvery ?? 10_000;
    const seq = Math.floor(this.#core.durableSeq / every) * every;
    if (seq === 0 || seq <= this.#lastHash.seq) return;
    const pending = this.#pendingHashes.find(([s]) => s === seq);
    this.#pendingHashes = this.#pendingHashes.filter(([s]) => s > seq);
    try {
      const hash = pending?.[1] ?? (await this.#core.history!({ target: { seq } })).stateHash;
      await withTimeout(this.#checkHash(seq, hash), HOUSEKEEPING_MS);
    } catch (error) {
      this.#say({ level: 'warn', msg: 'no state hash on open', seq, error: String(error) });
    }
  }

  /** Every durable batch, as leader or standby, in seq order. */
  #onDurable(batch: readonly AppliedCommand[]): void {
    this.#recent.add(batch);
    if (this.#role === 'leader') this.#server.publishEvents(this.#term, batch);
    const last = batch.at(-1)!.seq;
    while (this.#pendingHashes.length > 0 && this.#pendingHashes[0]![0] <= last) {
      const [seq, hash] = this.#pendingHashes.shift()!;
      void this.#checkHash(seq, hash);
    }
  }

  async #checkHash(seq: number, hash: string): Promise<void> {
    try {
      const verdict = await this.#hashes.check(seq, hash, this.node);
      this.metrics.hashesChecked++;
      if (verdict.agreed) {
        if (seq > this.#lastHash.seq) this.#lastHash = { seq, hash };
        return;
      }
      this.metrics.hashMismatches++;
      await this.#stopWithAlarm('STATE_HASH_MISMATCH', {
        seq,
        hash,
        recorded: verdict.recorded,
        recordedBy: verdict.by,
      });
    } catch {
      // etcd unreachable: the next hash is compared; a node never skips an alarm it could see.
    }
  }

  /** Stops applying and sequencing for good (until restarted by an operator), loudly. */
  async #stopWithAlarm(alarm: string, detail: Record<string, unknown>): Promise<void> {
    if (this.#alarm !== undefined) return;
    this.#alarm = alarm;
    this.#say({ level: 'fatal', alarm, ...detail });
    this.#halted.abort();
    this.#server.stopLeading();
    this.#role = 'standby';
    this.metrics.leader = 0;
    this.#deposed(alarm);
    await this.#follower?.stop();
    this.#follower = undefined;
  }

  #startFollowing(): void {
    if (this.#alarm !== undefined || this.#closing.signal.aborted) return;
    const follower = new LogFollower(this.#log, this.#core.durableSeq + 1, async (b) => {
      await this.#core.replicateRecords(b.records);
    });
    this.#follower = follower;
    follower.run().catch(async (error: unknown) => {
      if (this.#follower !== follower || this.#closing.signal.aborted) return;
      if (error instanceof BehindLogError) {
        await this.#catchUpFromPeers(error);
        if (this.#follower === follower) this.#startFollowing();
        return;
      }
      this.#say({
        level: 'warn',
        msg: 'following the log failed; starting again',
        error: String(error),
      });
      await sleep(500);
      if (this.#follower === follower) this.#startFollowing();
    });
  }

  async #campaignLoop(): Promise<void> {
    const signal = AbortSignal.any([this.#closing.signal, this.#halted.signal]);
    while (!signal.aborted) {
      let leadership: Leadership;
      try {
        leadership = await this.#election.campaign(signal);
      } catch (error) {
        if (signal.aborted) break;
        this.#say({ level: 'warn', msg: 'campaign failed; trying again', error: String(error) });
        await sleep(500);
        continue;
      }
      try {
        await this.#lead(leadership);
      } catch (error) {
        this.#say({ level: 'warn', msg: 'leadership ended', error: String(error) });
      } finally {
        await leadership.resign();
      }
      await this.#rejoinAsStandby();
    }
  }

  /** Catches up with the log (a hot standby: one head read), starts a term, leads until deposed. */
  async #lead(leadership: Leadership): Promise<void> {
    const wonAt = performance.now();
    this.#opts.onRole?.('leader');
    await this.#follower?.stop();
    this.#follower = undefined;
    let head = await this.#log.head();
    if (head.seq !== this.#core.durableSeq) {
      await new LogFollower(this.#log, this.#core.durableSeq + 1, async (b) => {
        await this.#core.replicateRecords(b.records);
      }).catchUp();
      head = await this.#log.head();
    }
    if (head.seq !== this.#core.durableSeq) {
      throw new Error(`log head ${head.seq} moved past applied ${this.#core.durableSeq}`);
    }
    const fence = await this.#log.takeOver(
      head,
      this.node,
      leadership.electionKey,
      leadership.electionCreateRevision,
    );
    if (this.#alarm !== undefined) throw new Error(`not leading: ${this.#alarm}`);
    const deposed = new Promise<string>((resolve) => {
      this.#deposed = resolve;
    });
    // A close that came while this node was taking over told the deposer before this one existed.
    if (this.#closing.signal.aborted) this.#deposed('closing');
    this.#journal.lead(fence, leadership);
    this.#term = fence.term;
    this.#role = 'leader';
    this.metrics.leader = 1;
    this.metrics.term = fence.term;
    this.metrics.electionsWon++;
    this.metrics.lagCommands = 0;
    this.#requests = new LeaderRequests(this.#core, this.#recent, this.metrics);
    this.#core.setTicking(true);
    await this.#server.lead();
    this.#server.announceLeader({ term: fence.term, node: this.node });
    const takeoverMs = Math.round(performance.now() - wonAt);
    this.#say({ level: 'info', msg: 'leading', term: fence.term, seq: head.seq, takeoverMs });
    const stopWatching = leadership.onValidity((valid) => this.#pauseUnlessRenewed(valid));
    const reason = await Promise.race([leadership.lost, deposed]).finally(stopWatching);
    this.#server.stopLeading();
    this.#requests = undefined;
    this.#role = 'standby';
    this.metrics.leader = 0;
    this.#journal.depose(reason);
    this.#core.setTicking(false);
    this.#say({ level: 'warn', msg: 'stopped leading', term: fence.term, reason });
  }

  /**
   * Past the lease's local deadline the leader takes no new command (its `submit` subscription goes,
   * so nats-server routes every request to a node that can answer) and runs no tick; a keep-alive that
   * succeeds again (etcd renewed the lease through its own leader change) resumes it.
   */
  #pauseUnlessRenewed(valid: boolean): void {
    if (this.#role !== 'leader') return;
    if (!valid && this.#server.leading) {
      this.#server.stopLeading();
      this.#core.setTicking(false);
      this.#say({ level: 'warn', msg: 'lease not renewed in time; taking no commands' });
    } else if (valid && !this.#server.leading) {
      this.#core.setTicking(true);
      void this.#server
        .lead()
        .then(() => this.#server.announceLeader({ term: this.#term, node: this.node }));
      this.#say({ level: 'info', msg: 'lease renewed; taking commands again' });
    }
  }

  /**
   * The engine may have applied commands that never reached the log: the core is reopened from the
   * local journal (a prefix of the log) and follows again.
   */
  async #rejoinAsStandby(): Promise<void> {
    this.#role = 'standby';
    this.#opts.onRole?.('standby');
    this.#deposed = () => {};
    await this.#core.close().catch(() => {});
    this.#pendingHashes = [];
    if (this.#closing.signal.aborted) return;
    for (;;) {
      try {
        await this.#openCore();
        break;
      } catch (error) {
        this.#say({ level: 'error', msg: 'reopening the core failed', error: String(error) });
        await sleep(1000);
        if (this.#closing.signal.aborted) return;
      }
    }
    this.#startFollowing();
  }

  /** Fetches what the log no longer holds from a peer's journal; retries until one answers. */
  async #catchUpFromPeers(behind: BehindLogError): Promise<void> {
    this.#say({ level: 'warn', msg: 'behind the log; catching up from a peer', ...behind });
    while (!this.#closing.signal.aborted && this.#alarm === undefined) {
      try {
        await catchUpFromPeers(
          this.#nc,
          this.#server.subjects.journal,
          this.#core.durableSeq + 1,
          behind.firstSeq - 1,
          async (records) => {
            await this.#core.replicateRecords(records);
          },
        );
        return;
      } catch (error) {
        this.#say({
          level: 'warn',
          msg: 'peer catch-up failed; trying again',
          error: String(error),
        });
        await sleep(2000);
      }
    }
  }

  /** An `ok` reply is a log batch value of the records as journaled (`log-format.ts`). */
  #journalFrom(fromSeq: number): JournalReply | Uint8Array {
    if (!Number.isSafeInteger(fromSeq) || fromSeq < 1) {
      return { ok: false, code: 'BAD_REQUEST', message: 'journal needs fromSeq >= 1' };
    }
    if (fromSeq > this.#core.durableSeq) return { ok: true, commands: [] };
    const read = this.#journal.readRecords(fromSeq, JOURNAL_REPLY_BYTES);
    if (read.records.length === 0) return { ok: true, commands: [] };
    return encodeBatch(this.#term, read.fromSeq, read.records);
  }

  /**
   * Recent commands come from memory; older ones (a projector or gateway behind this node's restart,
   * which starts the window afresh) are recomputed with their events from the node's snapshots and
   * journal on a thread of their own, so a follower behind the window catches up instead of stalling.
   */
  async #replay(fromSeq: number, toSeq: number): Promise<ReplayReply> {
    if (
      !Number.isSafeInteger(fromSeq) ||
      !Number.isSafeInteger(toSeq) ||
      fromSeq < 1 ||
      toSeq < fromSeq
    ) {
      return { ok: false, code: 'BAD_REQUEST', message: 'replay needs 1 <= fromSeq <= toSeq' };
    }
    if (fromSeq >= this.#recent.firstSeq) {
      return { ok: true, batch: this.#recent.range(fromSeq, toSeq, MAX_COMMANDS_PER_MESSAGE) };
    }
    const upTo = Math.min(toSeq, this.#recent.firstSeq - 1);
    try {
      const batch = await this.#core.appliedRange(fromSeq, upTo, MAX_COMMANDS_PER_MESSAGE);
      this.metrics.replayRecomputed += batch.length;
      // The rest of the range from memory, when the recomputed part reaches the window.
      const next = (batch.at(-1)?.seq ?? fromSeq - 1) + 1;
      const room = MAX_COMMANDS_PER_MESSAGE - batch.length;
      if (next === this.#recent.firstSeq && next <= toSeq && room > 0) {
        batch.push(...this.#recent.range(next, toSeq, room));
      }
      return { ok: true, batch };
    } catch (error) {
      return {
        ok: false,
        code: 'UNAVAILABLE',
        message: `node ${this.node} could not recompute seqs ${fromSeq}..${upTo}: ${String(error)}`,
      };
    }
  }

  #notLeader(): ErrorReply {
    return { ok: false, code: 'NOT_LEADER', message: `node ${this.node} is not the leader` };
  }

  #say(line: Record<string, unknown>): void {
    this.#opts.log?.({ node: this.node, role: this.#role, term: this.#term, ...line });
  }
}
