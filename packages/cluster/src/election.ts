// Leader election on etcd, its standard pattern: each candidate puts a key under `<prefix>/election/`
// bound to its own lease; the key with the lowest create revision leads; the others each watch the key
// just before theirs and look again when it goes. The lease is kept alive by the client; this side also
// keeps its own deadline (the last keep-alive sent + TTL): past it the lease may have expired, so the
// leader stops taking commands at once (`valid()` is false) until a keep-alive succeeds again — etcd
// renews every lease when its own leader changes, so a short etcd outage need not cost a failover. The
// leadership is lost when etcd says the lease is gone, or one more TTL after the deadline. This is the
// one home of that deadline: a leader is told when it passes and when a keep-alive moves it on, by a
// timer set for the deadline itself (an idle leader wakes for its keep-alives, not every few ms).

import type { Etcd3, Lease, Watcher } from 'etcd3';
import { LeaseKeepAlive } from './lease-keep-alive.ts';

/**
 * A candidate waiting for its predecessor reads the election again at least this often, watch or no
 * watch: the watch wakes it at once when anything there changes, so this only bounds how long a watch
 * on an etcd member that stopped answering without closing its connection (SIGSTOP) can hide a change.
 */
const RECHECK_MS = 5000;
/** TTLs after the last answered keep-alive was sent when a lease is given up without etcd's word. */
const LOST_AFTER_TTLS = 3;

export interface Leadership {
  readonly node: string;
  readonly electionKey: string;
  readonly electionCreateRevision: number;
  /** Whether the lease is still certainly alive (local deadline not passed, not lost). */
  valid(): boolean;
  /**
   * Calls `listener` with `valid()` at once and again each time it changes while leading (the deadline
   * passed; a keep-alive succeeded again); answers an unsubscribe. A loss is `lost`'s, not this.
   */
  onValidity(listener: (valid: boolean) => void): () => void;
  /** Milliseconds since the epoch after which the lease may have expired. */
  readonly validUntil: number;
  readonly ttlMs: number;
  /** Resolves when leadership ends (lease lost, deadline passed, or `resign`). */
  readonly lost: Promise<string>;
  /** Gives the leadership up: revokes the lease so a standby takes over at once. */
  resign(): Promise<void>;
  /**
   * Stops renewing the lease without revoking it, as a paused or cut-off process would: leadership
   * ends locally when the deadline passes and in etcd when the TTL does.
   */
  release(): void;
}

export interface ElectionOptions {
  readonly prefix?: string;
  /** Lease TTL in seconds (etcd's minimum is about 2 with its default timings). */
  readonly ttlSeconds?: number;
}

export class Election {
  readonly #client: Etcd3;
  readonly #node: string;
  readonly #prefix: string;
  readonly #ttl: number;

  constructor(client: Etcd3, node: string, opts: ElectionOptions = {}) {
    this.#client = client;
    this.#node = node;
    this.#prefix = `${opts.prefix ?? '/bourse'}/election/`;
    this.#ttl = opts.ttlSeconds ?? 2;
  }

  /** The node currently leading (the value of the lowest key), if any. */
  async leader(): Promise<string | undefined> {
    const res = await this.#client
      .getAll()
      .prefix(this.#prefix)
      .sort('Create', 'Ascend')
      .limit(1)
      .exec();
    return res.kvs[0]?.value.toString();
  }

  /**
   * Resolves once this node leads. Rejects if its lease is lost while it waits (the caller campaigns
   * again) or when `signal` aborts.
   */
  async campaign(signal?: AbortSignal): Promise<Leadership> {
    const lease = this.#client.lease(this.#ttl, { autoKeepAlive: false });
    const state = new LeaseDeadline(lease, new LeaseKeepAlive(this.#client), this.#ttl);
    try {
      const id = await lease.grant();
      state.granted(id);
      const key = this.#prefix + id;
      const put = await this.#client
        .if(key, 'Create', '==', 0)
        .then(this.#client.put(key).value(this.#node).lease(id))
        .commit();
      if (!put.succeeded) throw new Error(`election key ${key} already exists`);
      const createRevision = Number(put.header.revision);
      await this.#waitForTurn(key, state, signal);
      return state.leadership(this.#node, key, createRevision);
    } catch (error) {
      state.close();
      await lease.revoke().catch(() => {});
      throw error;
    }
  }

  /**
   * Waits on one watch of the whole election prefix, kept for the whole wait: any put or delete
   * there (the predecessor's key expiring or revoked, this candidate's own key gone), a broken watch,
   * the loss of this candidate's lease or RECHECK_MS without news wakes it to read the keys again.
   * An idle standby so costs etcd nothing but its keep-alives and that rare read.
   */
  async #waitForTurn(
    key: string,
    state: LeaseDeadline,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const news = new Wakeup();
    let watcher: Watcher | undefined;
    const stopWaiting = () => news.wake();
    signal?.addEventListener('abort', stopWaiting, { once: true });
    const stopOnLoss = state.onLost(stopWaiting);
    try {
      for (;;) {
        signal?.throwIfAborted();
        if (!state.valid()) throw new Error('lease lost while waiting to lead');
        news.arm();
        const res = await this.#client
          .getAll()
          .prefix(this.#prefix)
          .sort('Create', 'Ascend')
          .exec();
        const mine = res.kvs.findIndex((kv) => kv.key.toString() === key);
        if (mine < 0) throw new Error('election key vanished while waiting to lead');
        if (mine === 0) return;
        if (watcher === undefined) {
          // From the revision just read: a change between the read and the watch is delivered.
          watcher = await this.#client
            .watch()
            .prefix(this.#prefix)
            .startRevision(String(Number(res.header.revision) + 1))
            .create();
          watcher.on('put', stopWaiting);
          watcher.on('delete', stopWaiting);
          watcher.on('error', stopWaiting);
          watcher.on('disconnected', stopWaiting);
        }
        await news.wait(RECHECK_MS);
      }
    } finally {
      signal?.removeEventListener('abort', stopWaiting);
      stopOnLoss();
      // Awaited, though it costs a round trip: etcd3's watch manager ends its shared stream when the
      // last watcher's cancel comes back, and a watch opened before that settles can be left on the
      // ended stream (cluster tests stalled that way when this was not awaited).
      await watcher?.cancel().catch(() => {});
    }
  }
}

/**
 * A wake-up that is not lost when it comes before the wait: `arm` forgets earlier ones, `wake`
 * sets it, `wait` resolves at once if it was set since `arm`, else on the next `wake` or after `ms`.
 */
class Wakeup {
  #woken = false;
  #resolve: (() => void) | undefined;

  arm(): void {
    this.#woken = false;
  }

  wake(): void {
    this.#woken = true;
    this.#resolve?.();
  }

  wait(ms: number): Promise<void> {
    if (this.#woken) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.#resolve?.(), ms);
      this.#resolve = () => {
        clearTimeout(timer);
        this.#resolve = undefined;
        resolve();
      };
    });
  }
}

/**
 * Keeps a lease alive with its own loop of single keep-alives (on one kept stream, lease-keep-alive.ts,
 * opened through the client's fault handling, so a dead etcd member is skipped, and bounded in time,
 * so a hung one is too) and tracks when the lease may have expired. `etcd3`'s own loop declares a
 * lease lost after 2 × TTL without an answer, even when etcd renewed it through its own leader change;
 * here only etcd saying the lease is gone, or LOST_AFTER_TTLS TTLs without any answer (when etcd has
 * certainly expired it, if it is up at all), ends the leadership. Safety never rests on this clock:
 * the fence does.
 */
class LeaseDeadline {
  readonly #lease: Lease;
  readonly #keepAlive: LeaseKeepAlive;
  readonly #ttlMs: number;
  // Monotonic (performance.now()): a wall clock stepped back would stretch the deadline, one stepped
  // forward would end a healthy leadership. Only `validUntil` is told as wall-clock time, for callers
  // that hand etcd a call deadline.
  readonly #createdAt = performance.now();
  #validUntil = 0;
  #lost: string | undefined;
  #onLost: ((reason: string) => void)[] = [];
  #onValidity: ((valid: boolean) => void)[] = [];
  /** `valid()` as the listeners last heard it; undefined until leading (no deadline timer before). */
  #told: boolean | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  #renewing: ReturnType<typeof setTimeout> | undefined;
  #released = false;

  constructor(lease: Lease, keepAlive: LeaseKeepAlive, ttlSeconds: number) {
    this.#lease = lease;
    this.#keepAlive = keepAlive;
    this.#ttlMs = ttlSeconds * 1000;
    lease.on('lost', (error) => this.#lose(`lease lost: ${error.message}`));
  }

  /** Sends one keep-alive every third of the TTL until the lease is lost or released. */
  #renew(id: string): void {
    if (this.#lost !== undefined || this.#released) return;
    const interval = this.#ttlMs / 3;
    const sent = performance.now();
    this.#keepAlive
      .once(id, interval)
      .then(
        (ttl) => {
          // etcd restarted the TTL when it received the request, which was after it was sent.
          if (ttl > 0) {
            this.#validUntil = Math.max(this.#validUntil, sent + this.#ttlMs);
            this.#watch();
          } else {
            this.#lose(`lease lost: lease ${id} expired or was revoked`);
          }
        },
        () => {
          // Unanswered or the stream broke: retried on a new stream.
        },
      )
      .finally(() => {
        const wait = Math.max(0, interval - (performance.now() - sent));
        if (this.#lost === undefined && !this.#released) {
          this.#renewing = setTimeout(() => this.#renew(id), wait);
        }
      });
  }

  release(): void {
    this.#released = true;
    clearTimeout(this.#renewing);
    this.#keepAlive.close();
  }

  /** The grant was requested after this object was made: count the TTL from then, to be safe. */
  granted(id: string): void {
    this.#validUntil = this.#createdAt + this.#ttlMs;
    this.#renew(id);
  }

  /** Calls `listener` once if the lease is lost (at once if it is); answers an unsubscribe. */
  onLost(listener: () => void): () => void {
    if (this.#lost !== undefined) {
      listener();
      return () => {};
    }
    const once = () => listener();
    this.#onLost.push(once);
    return () => {
      this.#onLost = this.#onLost.filter((l) => l !== once);
    };
  }

  /**
   * Tells the listeners if `valid()` changed and sets the timer for when it next changes by itself:
   * the deadline while valid, the loss LOST_AFTER_TTLS after the last answered keep-alive once not.
   * A process paused past either runs the timer as soon as it resumes.
   */
  #watch(): void {
    if (this.#told === undefined) return;
    clearTimeout(this.#deadline);
    const valid = this.valid();
    if (this.#lost !== undefined) return;
    if (valid !== this.#told) {
      this.#told = valid;
      for (const listener of this.#onValidity) listener(valid);
    }
    const next = valid ? this.#validUntil : this.#validUntil + (LOST_AFTER_TTLS - 1) * this.#ttlMs;
    // At least 1 ms: a timer may fire a little before the clock reaches `next`; it looks again.
    this.#deadline = setTimeout(() => this.#watch(), Math.max(1, next - performance.now()));
  }

  valid(): boolean {
    const now = performance.now();
    if (this.#lost === undefined && now >= this.#validUntil + (LOST_AFTER_TTLS - 1) * this.#ttlMs) {
      this.#lose('lease deadline passed without a keep-alive');
    }
    return this.#lost === undefined && now < this.#validUntil;
  }

  leadership(node: string, electionKey: string, electionCreateRevision: number): Leadership {
    const lost = new Promise<string>((resolve) => {
      if (this.#lost !== undefined) resolve(this.#lost);
      else this.#onLost.push(resolve);
    });
    this.#told = true;
    this.#watch();
    const self = this;
    return {
      node,
      electionKey,
      electionCreateRevision,
      valid: () => self.valid(),
      onValidity: (listener) => {
        self.#onValidity.push(listener);
        listener(self.valid());
        return () => {
          self.#onValidity = self.#onValidity.filter((l) => l !== listener);
        };
      },
      get validUntil() {
        return Date.now() + (self.#validUntil - performance.now());
      },
      ttlMs: this.#ttlMs,
      lost,
      resign: async () => {
        self.#lose('resigned');
        await self.#lease.revoke().catch(() => {});
      },
      release: () => self.release(),
    };
  }

  close(): void {
    clearTimeout(this.#deadline);
    this.#onValidity = [];
    this.release();
  }

  #lose(reason: string): void {
    if (this.#lost !== undefined) return;
    this.#lost = reason;
    this.close();
    for (const resolve of this.#onLost) resolve(reason);
    this.#onLost = [];
  }
}
