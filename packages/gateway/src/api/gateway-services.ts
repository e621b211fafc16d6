// What every route handler and the WebSocket layer share: the exchange core, the auth store, the market
// data hub (market directory, books, tickers) and the asset directory. Commands leave the gateway only
// through `submit`, which turns an engine rejection into an ApiError with the engine's code.

import type { AlertService } from '@bourse/alerts';
import { currentActor } from './acting-user.ts';
import type { AppliedCommand, CommandInput, ExchangeCore } from '@bourse/core';
import type { MarketDataHub, MarketState } from '@bourse/marketdata';
import type { RejectCode } from '@bourse/engine';
import type { NewsItemRow, NewsStore } from '@bourse/news';
import type { AuthStore } from '../auth/auth-store.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Role } from '../auth/roles.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayMetrics } from '../ops/gateway-metrics.ts';
import type { Logger } from '../ops/logger.ts';
import type { OrderTracing } from '../ops/order-tracing.ts';
import type { FaultInjector } from '../sandbox/fault-injector.ts';
import type { Sandbox } from '../sandbox/sandbox.ts';

export interface AssetInfo {
  readonly assetId: number;
  readonly code: string;
  readonly scale: number;
}

export class GatewayServices {
  readonly core: ExchangeCore;
  readonly auth: AuthStore;
  readonly authenticator: Authenticator;
  readonly hub: MarketDataHub;
  readonly clock: () => number;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  /** Who may try a password now (backoff per account and address, a global bound on checks). */
  readonly loginThrottle: LoginThrottle;
  /** The role a self-signed-up user gets; undefined: self sign-up is off (the default). */
  readonly signupRole: Role | undefined;
  /** Spans for submitted commands; undefined when tracing is off (the default). */
  readonly tracing: OrderTracing | undefined;
  /** Feeds and news items beside markets; undefined when this server keeps none. */
  readonly news: NewsStore | undefined;
  /** Who hears of news items as they are stored (the WebSocket's news channel). */
  newsListener: ((items: readonly NewsItemRow[]) => void) | undefined;
  /** The sandbox's fault table; undefined on a production exchange (the traffic then skips it). */
  readonly faults: FaultInjector | undefined;
  /** The sandbox control plane (`serve --sandbox`); undefined on every other exchange. */
  readonly sandbox: Sandbox | undefined;
  /** Users' alerts and their delivery (packages/alerts); undefined on a server without them. */
  readonly alerts: AlertService | undefined;
  readonly #assets = new Map<number, AssetInfo>();
  /** The id allocation in progress (see `allocating`). */
  #allocation: Promise<unknown> = Promise.resolve();
  readonly #historyWaitMs: number;

  constructor(parts: {
    core: ExchangeCore;
    auth: AuthStore;
    authenticator: Authenticator;
    loginThrottle: LoginThrottle;
    hub: MarketDataHub;
    clock: () => number;
    logger: Logger;
    metrics: GatewayMetrics;
    /** How long a history read waits for the read models before answering HISTORY_BEHIND. */
    historyWaitMs: number;
    signupRole?: Role | undefined;
    tracing?: OrderTracing | undefined;
    faults?: FaultInjector | undefined;
    sandbox?: Sandbox | undefined;
    alerts?: AlertService | undefined;
    news?: NewsStore | undefined;
  }) {
    this.core = parts.core;
    this.auth = parts.auth;
    this.authenticator = parts.authenticator;
    this.loginThrottle = parts.loginThrottle;
    this.hub = parts.hub;
    this.clock = parts.clock;
    this.logger = parts.logger;
    this.metrics = parts.metrics;
    this.#historyWaitMs = parts.historyWaitMs;
    this.signupRole = parts.signupRole;
    this.tracing = parts.tracing;
    this.alerts = parts.alerts;
    this.news = parts.news;
    this.faults = parts.faults;
    this.sandbox = parts.sandbox;
  }

  /**
   * The exchange's time: the clock commands are stamped with, which a sandbox simulates. Market-data
   * windows (candles) use it; credentials, sessions and rate limits keep the wall clock (`clock`).
   */
  exchangeNow(): number {
    return this.sandbox === undefined ? this.clock() : this.sandbox.clock.now();
  }

  /**
   * Runs `fn` once every earlier allocation of this gateway has finished. The gateway picks a new
   * market's, asset's or account's id as one more than the highest it sees, so two requests that
   * looked at the same time would pick the same id and the second would be refused: they take turns.
   */
  allocating<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#allocation.then(fn);
    this.#allocation = run.catch(() => undefined);
    return run;
  }

  /** Loads the asset directory from the auth store (the event stream does, before it is ready). */
  async loadAssets(): Promise<void> {
    for (const a of await this.auth.assets()) {
      if (!this.#assets.has(a.assetId)) this.#assets.set(a.assetId, a);
    }
  }

  /** The market by symbol or id, or a MARKET_NOT_FOUND error. */
  market(ref: string | number): MarketState {
    const id = this.hub.resolve(ref);
    const m = id === undefined ? undefined : this.hub.market(id);
    if (m === undefined) throw new ApiError('MARKET_NOT_FOUND', `No market ${String(ref)}.`);
    return m;
  }

  /** Submits one command to the core (inside its spans when tracing is on); rejections are answers. */
  send(input: CommandInput): Promise<AppliedCommand> {
    return this.tracing === undefined
      ? this.core.submit(input)
      : this.tracing.submit(this.core, input);
  }

  /**
   * Submits one command, journaled with the acting admin (see acting-user.ts) when there is one;
   * throws the engine's reject code as an ApiError.
   */
  async submit(input: CommandInput): Promise<AppliedCommand> {
    const actor = currentActor();
    const applied = await this.send(actor === undefined ? input : { ...input, actor });
    const refused = rejectionError(applied);
    if (refused !== undefined) throw refused;
    return applied;
  }

  /**
   * Journals an action taken in the auth store (a role changed, a key revoked) as an `auditNote`, so
   * the audit trail holds it with who did it: the acting admin, else `actor` (a user acting on their
   * own credentials), else 0 (the operator: the CLI, the demo setup).
   */
  async note(note: { action: string; subject: string; detail?: string; actor?: number }) {
    const actor = currentActor() ?? note.actor ?? 0;
    const { action, subject, detail } = note;
    const input = detail === undefined ? { action, subject } : { action, subject, detail };
    return this.submit({ type: 'auditNote', actor, ...input });
  }

  /**
   * Resolves once the read models hold every command acknowledged before this call (history reads),
   * or fails with HISTORY_BEHIND (503, retry in 1 s) after `historyWaitMs`: under sustained overload
   * the read models, which run at idle priority, can fall seconds behind, and a request should get an
   * answer it can act on rather than hang until the load passes.
   */
  historyBarrier(): Promise<void> {
    const caughtUp = this.core.readModels.waitFor(this.core.durableSeq);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.metrics.historyWaitTimeouts++;
        reject(new ApiError('HISTORY_BEHIND', undefined, { retryAfter: 1 }));
      }, this.#historyWaitMs);
      caughtUp.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** Tells the listener of news items just stored (posted here, or polled by the feed poller). */
  announceNews(items: readonly NewsItemRow[]): void {
    if (items.length > 0) this.newsListener?.(items);
  }

  assets(): AssetInfo[] {
    return [...this.#assets.values()].sort((a, b) => a.assetId - b.assetId);
  }

  asset(ref: string | number): AssetInfo {
    for (const a of this.#assets.values()) {
      if (a.assetId === ref || a.code === ref || String(a.assetId) === ref) return a;
    }
    throw new ApiError('NOT_FOUND', `No asset ${String(ref)}.`);
  }

  /** Called for every assetCreated event the core publishes. */
  rememberAsset(asset: AssetInfo): void {
    this.#assets.set(asset.assetId, asset);
    this.auth.saveAsset(asset.assetId, asset.code, asset.scale).catch((error: unknown) => {
      this.logger.warn('asset not saved in the directory', { error, assetId: asset.assetId });
    });
  }
}

export function rejection(applied: AppliedCommand): RejectCode | undefined {
  const first = applied.events[0];
  return first !== undefined && first.type === 'rejected' ? first.reason : undefined;
}

/**
 * The engine's refusal of a command as the error a client gets, or undefined when it was applied.
 * An INVALID_FIELD names the field and the rule in its message and in `details`.
 */
export function rejectionError(applied: AppliedCommand): ApiError | undefined {
  const first = applied.events[0];
  if (first === undefined || first.type !== 'rejected') return undefined;
  if (first.field === undefined || first.rule === undefined) return new ApiError(first.reason);
  const { field, rule } = first;
  return new ApiError(first.reason, `${field} must be ${rule}.`, { details: { field, rule } });
}
