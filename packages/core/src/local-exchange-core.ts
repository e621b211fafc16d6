// The embedded exchange core: the sequencer (seq, ts, orderId), the journal append, the engine worker
// and the ack. Submissions made during one event-loop turn are appended to the journal together and made
// durable by a group commit running concurrently; the engine gets them in one message, or, while it is
// busy with the previous one, together with whatever else arrives before it answers. A
// command is acknowledged only when its events are back AND its seq is durable; acks, subscribers and
// read models all see commands in seq order.

import type { ReadModels } from '@bourse/projections';
import { CodecError, type Command, decodeEventBatch } from '@bourse/engine';
import { type CommandSource, commandBatch, RecordArena, sourcedCommand } from './command-codec.ts';
import { CoreError, journalFailed, refusalError } from './core-error.ts';
import { encodedBatch } from './encoded-applied.ts';
import { buildQueries } from './acknowledged-queries.ts';
import { countReject, createSequencerStats } from './core-metrics.ts';
import { HealthTracker } from './core-health.ts';
import type {
  AppliedCommand,
  CommandInput,
  CoreHealth,
  CoreMetrics,
  ReplicatingCore,
  SequencerStats,
} from './exchange-core.ts';
import { DueTicker } from './due-ticker.ts';
import { GroupCommit } from './group-commit.ts';
import { observe } from './histogram.ts';
import { markReadDbClean } from './read-db-guard.ts';
import type { ReadModelSink } from './read-model-feeder.ts';
import { readSide } from './read-side.ts';
import { BatchStages, stampDurable } from './command-timings.ts';
import { observeAckStages, timelineAckStages } from './ack-stages.ts';
import { processTimeline } from './timeline.ts';
import type { HistoryQuery, HistoryState } from './time-travel.ts';

/** Most commands in one engine message / journal batch; bounds message size and worker stalls. */
export const MAX_BATCH_COMMANDS = 8192;

interface Entry {
  readonly seq: number;
  readonly command: Command;
  /** Its journal record (a view into the arena's chunk), also what the engine worker decodes. */
  readonly record: Uint8Array;
  readonly startedAt: number;
  readonly resolve: (applied: AppliedCommand) => void;
  readonly reject: (error: Error) => void;
}

interface Batch {
  readonly lastSeq: number;
  readonly entries: Entry[];
  applied: AppliedCommand[] | undefined;
  /** When each stage happened: the ack-stage histograms, and traces when `recordTimings`. */
  readonly stages: BatchStages;
}

import type { CoreParts } from './core-parts.ts';

export type { CoreParts };

export class LocalExchangeCore implements ReplicatingCore {
  readonly metrics: CoreMetrics;
  readonly stats: SequencerStats = createSequencerStats();
  readonly readModels: ReadModels & { waitFor(seq: number): Promise<void> };
  readonly query: ReplicatingCore['query'];
  readonly #parts: CoreParts;
  readonly #feeder: ReadModelSink;
  readonly #commit: GroupCommit;
  readonly #ticker: DueTicker;
  readonly #listeners = new Set<(batch: readonly AppliedCommand[]) => void>();
  readonly #health: HealthTracker;
  readonly #arena = new RecordArena();
  #nextSeq: number;
  #lastTs: number;
  /** Submitted this turn, not yet journaled. */
  #pending: Entry[] = [];
  #flushScheduled = false;
  /** Journaled, waiting for the engine to finish its current batch. */
  #unposted: Entry[] = [];
  #engineBusy = false;
  /** The last seq handed to the engine worker. */
  #postedSeq: number;
  /** The last seq a started journal commit covers: the engine gets nothing beyond it. */
  #committingSeq = 0;
  #inflight: Batch[] = [];
  #inflightHead = 0;
  #sinceSnapshot = 0;
  #snapshotBusy: Promise<void> | undefined;
  #durableWaiters: { seq: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  #drainWaiters: (() => void)[] = [];
  #failure: Error | undefined;
  #closing: Promise<void> | undefined;

  constructor(parts: CoreParts) {
    this.#parts = parts;
    this.metrics = parts.metrics;
    this.#nextSeq = parts.lastSeq + 1;
    this.#postedSeq = parts.lastSeq;
    this.#lastTs = parts.lastTs;
    this.#feeder = parts.feeder;
    this.#health = new HealthTracker(parts.storage);
    this.metrics.projectionLagCommands = parts.feeder.queuedSeq - parts.feeder.appliedSeq;
    this.#commit = new GroupCommit(
      parts.journal,
      parts.lastSeq,
      this.metrics,
      this.stats,
      () => {
        this.#stampDurable();
        // A commit can cover more than it was asked for (all that was appended when it wrote).
        this.#postToEngine();
        this.#drain();
      },
      (error) => this.#fail(journalFailed(error)),
      (seq) => {
        this.#committingSeq = seq;
        this.#postToEngine();
      },
    );
    parts.host.onFailure = (error) => this.#fail(error);
    this.#ticker = new DueTicker({ clock: parts.clock, tick: () => this.submit({ type: 'tick' }) });
    this.setTicking(parts.ticking);
    this.readModels = readSide(parts.readModels, parts.feeder);
    this.query = buildQueries(
      parts.host,
      () => this.#postedSeq,
      (seq) => this.#durable(seq),
    );
  }

  get durableSeq(): number {
    return this.#commit.durableSeq;
  }

  async history(query: HistoryQuery): Promise<HistoryState> {
    await this.#parts.journal.stored?.(this.#commit.durableSeq);
    return this.#parts.history.read(query, () => this.#storedSeq());
  }

  async appliedRange(fromSeq: number, toSeq: number, limit: number): Promise<AppliedCommand[]> {
    await this.#parts.journal.stored?.(Math.min(toSeq, this.#commit.durableSeq));
    return this.#parts.history.appliedRange({ fromSeq, toSeq, limit }, () => this.#storedSeq());
  }

  /** Acknowledged and in the local files: what a reader of those files may read up to. */
  #storedSeq(): number {
    return Math.min(this.#commit.durableSeq, this.#parts.storage.durableSeq);
  }

  chainAt(seq: number): string | undefined {
    if (seq > this.#commit.durableSeq) return undefined;
    const chain = this.#parts.storage.chainAt(seq);
    return chain === undefined ? undefined : Buffer.from(chain).toString('hex');
  }

  get failure(): Error | undefined {
    return this.#failure;
  }

  health(): CoreHealth {
    return this.#health.current();
  }

  watchHealth(listener: (health: CoreHealth) => void): () => void {
    return this.#health.watch(listener);
  }

  submit(input: CommandInput): Promise<AppliedCommand> {
    return new Promise((resolve, reject) => this.#enqueueOne(input, resolve, reject));
  }

  submitBatch(inputs: readonly CommandInput[]): Promise<AppliedCommand[]> {
    if (inputs.length === 0) return Promise.resolve([]);
    const results = new Array<AppliedCommand>(inputs.length);
    return new Promise((resolve, reject) => {
      let left = inputs.length;
      const resolvers = inputs.map((_, i) => (applied: AppliedCommand) => {
        results[i] = applied;
        if (--left === 0) resolve(results);
      });
      this.#enqueue(inputs, resolvers, reject);
    });
  }

  replicate(commands: readonly Command[]): Promise<AppliedCommand[]> {
    return this.#replicate(commands, 'commands');
  }

  replicateRecords(records: readonly Uint8Array[]): Promise<AppliedCommand[]> {
    return this.#replicate(records, 'records');
  }

  #replicate(
    inputs: readonly (Command | Uint8Array)[],
    source: CommandSource,
  ): Promise<AppliedCommand[]> {
    if (inputs.length === 0) return Promise.resolve([]);
    const results = new Array<AppliedCommand>(inputs.length);
    return new Promise((resolve, reject) => {
      let left = inputs.length;
      const resolvers = inputs.map((_, i) => (applied: AppliedCommand) => {
        results[i] = applied;
        if (--left === 0) resolve(results);
      });
      this.#enqueue(inputs, resolvers, reject, source);
    });
  }

  setTicking(on: boolean): void {
    if (!on) {
      this.#ticker.pause();
      return;
    }
    this.#ticker.resume();
    this.#parts.host.query('nextDueTs', []).then(
      (due) => this.#ticker.arm(due as number | null),
      () => {},
    );
  }

  nextDueTs(): Promise<number | null> {
    return this.#parts.host.query('nextDueTs', []) as Promise<number | null>;
  }

  subscribe(listener: (batch: readonly AppliedCommand[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /**
   * Sequences all inputs or none: an input that cannot be encoded consumes no seq. `commands` and
   * `records`: the inputs are commands another node sequenced (a cluster standby), taken with their
   * own seq and ts; records are journaled as they are, byte for byte.
   */
  #enqueue(
    inputs: readonly (CommandInput | Command | Uint8Array)[],
    resolvers: ((applied: AppliedCommand) => void)[],
    reject: (error: Error) => void,
    source: CommandSource = 'submit',
  ): void {
    const refused = this.#refusal(inputs.length);
    if (refused !== undefined) {
      reject(refused);
      return;
    }
    const sequenced = source !== 'submit';
    const ts = sequenced ? 0 : this.#nextTs();
    const entries: Entry[] = [];
    const startedAt = performance.now();
    for (let i = 0; i < inputs.length; i++) {
      const seq = this.#nextSeq + i;
      const built = sourcedCommand(this.#arena, source, inputs[i]!, seq, ts);
      if (built instanceof CoreError) {
        reject(built);
        return;
      }
      const { command, record } = built;
      entries.push({ seq, command, record, startedAt, resolve: resolvers[i]!, reject });
    }
    this.#nextSeq += entries.length;
    if (sequenced) this.#lastTs = Math.max(this.#lastTs, entries.at(-1)!.command.ts);
    this.stats.submitted += entries.length;
    for (const entry of entries) this.#pending.push(entry);
    this.#scheduleFlush();
  }

  /** `#enqueue` of one submitted input without its lists: every order takes this path. */
  #enqueueOne(
    input: CommandInput,
    resolve: (applied: AppliedCommand) => void,
    reject: (error: Error) => void,
  ): void {
    const refused = this.#refusal(1);
    if (refused !== undefined) return reject(refused);
    const seq = this.#nextSeq;
    const built = sourcedCommand(this.#arena, 'submit', input, seq, this.#nextTs());
    if (built instanceof CoreError) return reject(built);
    const { command, record } = built;
    this.#nextSeq = seq + 1;
    this.stats.submitted += 1;
    this.#pending.push({ seq, command, record, startedAt: performance.now(), resolve, reject });
    this.#scheduleFlush();
  }

  /** Why `n` more commands cannot be sequenced now, if they cannot. */
  #refusal(n: number): CoreError | undefined {
    if (this.#closing !== undefined) {
      return new CoreError('CORE_CLOSED', 'the exchange core is closing');
    }
    if (this.#failure !== undefined) {
      return new CoreError('CORE_FAILED', 'the exchange core has stopped', {
        cause: this.#failure,
      });
    }
    // While the journal cannot write, nothing new is sequenced: it could not become durable.
    const stall = this.#stalled();
    if (stall !== undefined) return stall;
    const queued = this.stats.submitted - this.metrics.commandsTotal;
    if (queued + n > this.#parts.maxQueuedCommands) {
      return refusalError('OVERLOADED', `${queued} commands are already waiting for their ack`);
    }
    return undefined;
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  #nextTs(): number {
    const now = Math.floor(this.#parts.clock());
    if (Number.isSafeInteger(now) && now > this.#lastTs) this.#lastTs = now;
    return this.#lastTs;
  }

  /**
   * Journals everything submitted this turn and asks for it to become durable, then hands it to the
   * engine unless a batch is already there: commands that arrive meanwhile ride on the next batch.
   * Waking the engine thread costs tens of microseconds on a busy machine, so one batch in flight
   * turns a stream of small turns into few, larger engine messages without waiting for a timer.
   */
  #flush(): void {
    this.#flushScheduled = false;
    const pending = this.#pending;
    this.#pending = [];
    if (pending.length === 0) return;
    if (this.#failure !== undefined) {
      rejectAll(pending, this.#failure);
      return;
    }
    const journal = this.#parts.journal;
    try {
      for (const entry of pending) journal.append(entry.seq, entry.record);
    } catch (error) {
      rejectAll(pending, journalFailed(error));
      this.#fail(journalFailed(error));
      return;
    }
    for (const entry of pending) this.#unposted.push(entry);
    // Starts a commit (which hands them to the engine) unless one is in flight.
    this.#commit.request(pending.at(-1)!.seq);
    this.#postToEngine();
  }

  /**
   * Hands the engine what a started journal commit covers; commands journaled during a commit wait
   * for the next to start (no ack could come sooner): one engine message (a thread wake-up on each
   * side) per commit instead of several.
   */
  #postToEngine(): void {
    if (this.#engineBusy || this.#unposted.length === 0 || this.#failure !== undefined) return;
    const unposted = this.#unposted;
    let n = Math.min(unposted.length, MAX_BATCH_COMMANDS);
    const covered = Math.max(this.#committingSeq, this.#commit.durableSeq);
    while (n > 0 && unposted[n - 1]!.seq > covered) n--;
    if (n === 0) return;
    const entries = n === unposted.length ? unposted : unposted.slice(0, n);
    this.#unposted = entries === unposted ? [] : unposted.slice(n);
    const commands = commandBatch(entries);
    const stages = new BatchStages(performance.now());
    const batch: Batch = { lastSeq: entries.at(-1)!.seq, entries, applied: undefined, stages };
    // Durable before the engine got it: the last commit made it so (the stamp is that commit's).
    if (batch.lastSeq <= this.#commit.durableSeq)
      stampDurable([batch], 0, batch.lastSeq, this.#commit.lastCommit);
    this.#inflight.push(batch);
    this.#postedSeq = batch.lastSeq;
    this.#engineBusy = true;
    this.stats.engineBatches++;
    this.metrics.engineQueueDepth += entries.length;
    // The engine forwards this batch, with its events, to the read models; nothing here keeps it.
    this.#parts.host.apply(commands, true, true).then(
      (reply) => {
        this.#ticker.arm(reply.nextDueTs);
        this.stats.engineBusyMs += reply.busyMs;
        for (const [seq, hash] of reply.hashes) this.#parts.onStateHash?.(seq, hash);
        this.#onApplied(batch, reply.events, reply.eventEnds);
      },
      (error: Error) => this.#fail(error),
    );
  }

  #onApplied(batch: Batch, eventBatch: Uint8Array | null, ends: Uint32Array | null): void {
    const { entries } = batch;
    batch.stages.appliedAt = performance.now();
    // The engine is free: the next batch goes out before this one's events are decoded and
    // acknowledged, so the engine thread works on it meanwhile.
    this.metrics.engineQueueDepth -= entries.length;
    this.#engineBusy = false;
    this.#postToEngine();
    // Each command carries its timings only for traces; the histograms read the batch's stamps.
    const timings = this.#parts.recordTimings === true ? batch.stages : undefined;
    if (this.#parts.lazyEvents === true) {
      if (eventBatch === null || ends === null || ends.length !== entries.length) {
        this.#fail(new CoreError('ENGINE_FAILED', 'engine returned events for the wrong batch'));
        return;
      }
      this.#applied(batch, encodedBatch(entries, eventBatch, ends, timings));
      return;
    }
    const perCommand = decodeEventBatch(eventBatch ?? new Uint8Array(0));
    if (perCommand instanceof CodecError) {
      this.#fail(
        new CoreError('ENGINE_FAILED', `engine events do not decode: ${perCommand.message}`),
      );
      return;
    }
    if (perCommand.length !== entries.length) {
      this.#fail(new CoreError('ENGINE_FAILED', 'engine returned events for the wrong batch size'));
      return;
    }
    const applied = new Array<AppliedCommand>(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const { seq, command, startedAt } = entries[i]!;
      const events = perCommand[i]!;
      applied[i] = timings
        ? { seq, ts: command.ts, command, events, timings: { startedAt, batch: timings } }
        : { seq, ts: command.ts, command, events };
    }
    this.#applied(batch, applied);
  }

  #applied(batch: Batch, applied: AppliedCommand[]): void {
    batch.applied = applied;
    this.#drain();
  }

  /** Acknowledges, in seq order, every batch that is both applied and durable. */
  #drain(): void {
    if (this.#failure !== undefined) return;
    const durable = this.#commit.durableSeq;
    while (this.#inflightHead < this.#inflight.length) {
      const batch = this.#inflight[this.#inflightHead]!;
      if (batch.applied === undefined || batch.lastSeq > durable) break;
      // Under steady load a batch is always in flight, so the list never empties by itself: drop
      // each acknowledged batch now, or its commands, events and JSON would live on and be promoted
      // to the old generation, costing long scavenges and mark-compacts.
      this.#inflight[this.#inflightHead++] = undefined as unknown as Batch;
      this.#acknowledge(batch.entries, batch.applied, batch.stages);
      this.#feeder.durable(batch.lastSeq);
    }
    if (this.#inflightHead > 1024 && this.#inflightHead * 2 > this.#inflight.length) {
      this.#inflight.splice(0, this.#inflightHead);
      this.#inflightHead = 0;
    }
    if (this.#inflightHead === this.#inflight.length && this.#unposted.length === 0) {
      this.#inflight = [];
      this.#inflightHead = 0;
      const waiters = this.#drainWaiters;
      this.#drainWaiters = [];
      for (const w of waiters) w();
    }
    this.#releaseDurableWaiters();
  }

  #stampDurable(): void {
    const c = this.#commit;
    stampDurable(this.#inflight, this.#inflightHead, c.durableSeq, c.lastCommit);
  }

  #acknowledge(entries: readonly Entry[], applied: AppliedCommand[], stages: BatchStages): void {
    const now = performance.now();
    stages.ackedAt = now;
    if (processTimeline.recording) timelineAckStages(stages, entries);
    if (this.metrics.ackStages !== undefined)
      observeAckStages(this.metrics.ackStages, stages, entries);
    for (let i = 0; i < entries.length; i++) {
      const a = applied[i]!;
      countReject(this.metrics, a);
      observe(this.metrics.ackLatencySeconds, (now - entries[i]!.startedAt) / 1000);
      entries[i]!.resolve(a);
    }
    this.metrics.commandsTotal += entries.length;
    for (const listener of this.#listeners) {
      try {
        listener(applied);
      } catch {
        // A listener's failure is its own (a dropped client); it must not stop the exchange.
      }
    }
    this.#sinceSnapshot += entries.length;
    if (this.#sinceSnapshot >= this.#parts.snapshotEvery && this.#snapshotBusy === undefined) {
      this.#sinceSnapshot = 0;
      this.#snapshotBusy = this.#takeSnapshot();
    }
  }

  /**
   * The worker copies its state and the encoder thread makes its bytes meanwhile; it is stored only
   * once its seq is durable in the journal.
   */
  async #takeSnapshot(): Promise<void> {
    try {
      const askedAt = performance.now();
      const { seq, bytes: encoding } = await this.#parts.host.snapshot();
      processTimeline.record('snapshot_engine', performance.now() - askedAt, askedAt);
      await this.#durable(seq);
      // A snapshot past the local journal's end could not be continued by it after a restart.
      await this.#parts.journal.stored?.(seq);
      const bytes = await encoding;
      const savedAt = performance.now();
      await this.#parts.snapshots.save(seq, bytes, this.#parts.storage.chainAt(seq));
      processTimeline.record('snapshot_save', performance.now() - savedAt, savedAt);
      this.stats.snapshotsWritten++;
    } catch {
      // The journal stays the source of truth: a lost snapshot only makes the next start slower,
      // and an engine or journal failure is reported through #fail.
    } finally {
      this.#snapshotBusy = undefined;
    }
  }

  #durable(seq: number): Promise<void> {
    if (seq <= this.#commit.durableSeq) return Promise.resolve();
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const stall = this.#stalled();
    if (stall !== undefined) return Promise.reject(stall);
    return new Promise((resolve, reject) => this.#durableWaiters.push({ seq, resolve, reject }));
  }

  #releaseDurableWaiters(): void {
    if (this.#durableWaiters.length === 0) return;
    const durable = this.#commit.durableSeq;
    const still = [];
    for (const w of this.#durableWaiters) {
      if (this.#failure !== undefined) w.reject(this.#failure);
      else if (w.seq <= durable) w.resolve();
      else still.push(w);
    }
    this.#durableWaiters = still;
  }

  #stalled(): CoreError | undefined {
    const stall = this.#parts.storage.stalled;
    if (stall === undefined) return undefined;
    const message = `the journal cannot write (${stall.message}); retry once it can`;
    return new CoreError('JOURNAL_STALLED', message, { cause: stall });
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    this.#health.failed(error);
    this.#ticker.close();
    const stranded = this.#pending.concat(this.#unposted);
    this.#pending = [];
    this.#unposted = [];
    for (let i = this.#inflightHead; i < this.#inflight.length; i++) {
      for (const entry of this.#inflight[i]!.entries) stranded.push(entry);
    }
    this.#inflight = [];
    this.#inflightHead = 0;
    rejectAll(stranded, error);
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w();
    this.#releaseDurableWaiters();
  }

  async #shutdown(): Promise<void> {
    this.#ticker.close();
    if (this.#flushScheduled) this.#flush();
    // A batch stalled on a full disk would never drain: its commands fail (none was acknowledged),
    // and closing the journal abandons the write, so the commit in flight ends.
    const stall = this.#stalled();
    if (stall !== undefined)
      this.#fail(new CoreError('JOURNAL_FAILED', `closed: ${stall.message}`));
    const busy = this.#inflight.length > this.#inflightHead || this.#unposted.length > 0;
    if (busy && this.#failure === undefined) {
      await new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
    }
    if (this.#failure !== undefined) await this.#parts.journal.close();
    await this.#commit.idle();
    await this.#snapshotBusy;
    await this.#parts.host.terminate();
    await this.#parts.journal.close();
    await this.#parts.audit?.close();
    await this.#feeder.close();
    await this.#parts.readModels.close();
    const path = this.#parts.readDbPath;
    if (this.#feeder.failure === undefined && path !== undefined) markReadDbClean(path);
  }
}

function rejectAll(entries: readonly Entry[], error: Error): void {
  for (const entry of entries) entry.reject(error);
}
