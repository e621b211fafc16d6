// The sandbox's fault table: which failures are injected into whose traffic (an account's REST requests
// and sockets, or one socket), for how many times and how long. Pure bookkeeping with the clock passed
// in; the REST pipeline and the WebSocket layer ask it what to do only when `active` is true, and a
// production gateway has no injector at all, so its order path pays one undefined check.

import type { SandboxSocket } from '@bourse/protocol';

export const FAULT_KINDS = [
  'rateLimit',
  'serverError',
  'latency',
  'dropMessages',
  'duplicateMessages',
  'sequenceGap',
  'disconnect',
  'staleBook',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FAULT_CHANNELS = [
  'book',
  'trades',
  'ticker',
  'candles',
  'orders',
  'fills',
  'balances',
  'positions',
] as const;
export type FaultChannel = (typeof FAULT_CHANNELS)[number];

/** What an operator asks for (`POST /api/v1/sandbox/faults`, `bourse sandbox fault add`). */
export interface FaultSpec {
  readonly kind: FaultKind;
  /** Whose traffic: every request and socket of this account… */
  readonly accountId: number;
  /** …or only this socket of it (WebSocket faults). */
  readonly socketId?: number | undefined;
  /** REST faults: only requests whose `METHOD /path` starts with this, e.g. `POST /api/v1/orders`. */
  readonly route?: string | undefined;
  /** Message faults: only this channel (default `book`). */
  readonly channel?: FaultChannel | undefined;
  /** Message faults and staleBook: only this market's messages (instrument id); all when absent. */
  readonly instrumentId?: number | undefined;
  /**
   * How many requests or messages it applies to (default 1; a rate limit answers every request in
   * its window). Whichever of count and duration runs out first ends the fault.
   */
  readonly count?: number | undefined;
  /** How long it lasts from now (default: until its count is used; staleBook 30 s). */
  readonly durationMs?: number | undefined;
  /** rateLimit: the window, announced as `Retry-After` (the remaining whole seconds). */
  readonly retryAfterSeconds?: number | undefined;
  /** serverError: the status (500, 502, 503 or 504; default 500). */
  readonly status?: number | undefined;
  /** serverError: the request is executed and only its answer replaced (a lost response). */
  readonly afterExecution?: boolean | undefined;
  /** latency: added before the request is handled. */
  readonly latencyMs?: number | undefined;
}

export interface Fault extends FaultSpec {
  readonly faultId: number;
  /** Who added it (an admin's username, `script`). */
  readonly by: string;
  readonly createdAt: number;
  /** When it ends by time (ms since 1970), if it does. */
  readonly until: number | undefined;
  /** Requests or messages it may still apply to (undefined: until its time ends). */
  remaining: number | undefined;
  /** How many times it was applied. */
  injected: number;
}

/** One injection, as the event recorder keeps it. */
export interface InjectedFault {
  readonly ts: number;
  readonly faultId: number;
  readonly kind: FaultKind;
  readonly accountId: number;
  readonly socketId?: number;
  /** The request it met, `METHOD /path` (REST faults). */
  readonly endpoint?: string;
  /** Who added the fault. */
  readonly by: string;
  /** What the client saw, e.g. `POST /api/v1/orders → 429 Retry-After 2`, `book delta seq 41 dropped`. */
  readonly detail: string;
}

/** Where an injection landed: a socket, or a REST request. */
type Where = { readonly socketId?: number; readonly endpoint?: string };

/** What the REST pipeline does to one request. */
export type HttpFault =
  | { readonly kind: 'rateLimit'; readonly retryAfterSeconds: number }
  | { readonly kind: 'serverError'; readonly status: number; readonly afterExecution: boolean }
  | { readonly kind: 'latency'; readonly latencyMs: number };

/** What the WebSocket layer does to one outgoing message. */
export type MessageFate = 'send' | 'drop' | 'duplicate';

export const SERVER_ERROR_STATUSES: readonly number[] = [500, 502, 503, 504];
const STALE_BOOK_DEFAULT_MS = 30_000;
const MARKET_DATA: ReadonlySet<string> = new Set(['book', 'trades', 'ticker', 'candles']);

export class FaultInjector {
  readonly #faults = new Map<number, Fault>();
  readonly #record: (e: InjectedFault) => void;
  #nextId = 1;
  /** Sockets to end at once (set by the WebSocket layer); answers how many it ended. */
  disconnect: (accountId: number, socketId: number | undefined) => number = () => 0;
  /** The open sockets (set by the WebSocket layer), so an operator can target one. */
  sockets: () => SandboxSocket[] = () => [];
  /** True while any fault is in the table: the only check the traffic pays otherwise. */
  active = false;

  constructor(record: (e: InjectedFault) => void) {
    this.#record = record;
  }

  /**
   * Adds a fault (a disconnect happens now and is not kept). Answers the fault, or a message naming
   * the field and the rule when the spec is not valid.
   */
  add(spec: FaultSpec, now: number, by = 'operator'): Fault | string {
    const problem = specProblem(spec);
    if (problem !== undefined) return problem;
    const durationMs =
      spec.durationMs ??
      (spec.kind === 'rateLimit'
        ? (spec.retryAfterSeconds ?? 1) * 1000
        : spec.kind === 'staleBook'
          ? STALE_BOOK_DEFAULT_MS
          : undefined);
    const countless = spec.kind === 'rateLimit' || spec.kind === 'staleBook';
    const fault: Fault = {
      ...spec,
      faultId: this.#nextId++,
      by,
      createdAt: now,
      until: durationMs === undefined ? undefined : now + durationMs,
      remaining: countless && spec.count === undefined ? undefined : (spec.count ?? 1),
      injected: 0,
    };
    if (spec.kind === 'disconnect') {
      const ended = this.disconnect(spec.accountId, spec.socketId);
      fault.injected = ended;
      // Only what reached a client is recorded as injected (the admin's request is recorded apart).
      const where = spec.socketId === undefined ? {} : { socketId: spec.socketId };
      if (ended > 0) this.#emit(fault, now, where, `${ended} socket(s) disconnected`);
      return fault;
    }
    this.#faults.set(fault.faultId, fault);
    this.active = true;
    return fault;
  }

  /** The faults in force (ended ones are removed first). */
  list(now: number): Fault[] {
    this.#prune(now);
    return [...this.#faults.values()];
  }

  /** Removes one fault, or all of them; answers how many were removed. */
  clear(faultId?: number): number {
    let removed = 0;
    if (faultId === undefined) {
      removed = this.#faults.size;
      this.#faults.clear();
    } else if (this.#faults.delete(faultId)) removed = 1;
    this.active = this.#faults.size > 0;
    return removed;
  }

  /** The fault a REST request of `accountId` meets, if any (its use is counted and recorded). */
  http(accountId: number, method: string, path: string, now: number): HttpFault | undefined {
    const line = `${method} ${path}`;
    for (const f of this.#faults.values()) {
      if (f.accountId !== accountId || !isHttpKind(f.kind) || !this.#live(f, now)) continue;
      if (f.route !== undefined && !line.startsWith(f.route)) continue;
      const answer = httpAnswer(f, now);
      this.#use(f, now, { endpoint: line }, `${line} → ${describeHttp(answer)}`);
      return answer;
    }
    return undefined;
  }

  /**
   * What happens to one message for a socket: `channel` and `instrumentId` (undefined on private
   * channels) say which stream; `seq` is given for a book delta, the only book message a sequence
   * gap skips (a snapshot resynchronises, so skipping one would show no gap).
   */
  message(
    accountId: number,
    socketId: number,
    channel: string,
    instrumentId: number | undefined,
    seq: number | undefined,
    now: number,
  ): MessageFate {
    for (const f of this.#faults.values()) {
      if (f.accountId !== accountId || (f.socketId !== undefined && f.socketId !== socketId)) {
        continue;
      }
      if (!this.#appliesTo(f, channel, instrumentId, seq) || !this.#live(f, now)) continue;
      const what = `${channel}${instrumentId === undefined ? '' : ` ${instrumentId}`}`;
      const at = seq === undefined ? '' : ` seq ${seq}`;
      if (f.kind === 'duplicateMessages') {
        this.#use(f, now, { socketId }, `${what}${at} sent twice`);
        return 'duplicate';
      }
      const verb = f.kind === 'staleBook' ? 'withheld (stale book)' : 'dropped';
      this.#use(f, now, { socketId }, `${what}${at} ${verb}`);
      return 'drop';
    }
    return 'send';
  }

  #appliesTo(f: Fault, channel: string, instrumentId: number | undefined, seq: number | undefined) {
    if (f.instrumentId !== undefined && f.instrumentId !== instrumentId) return false;
    switch (f.kind) {
      case 'staleBook':
        return MARKET_DATA.has(channel);
      case 'sequenceGap':
        // A gap is one message that had a sequence number, missing from a stream that keeps going.
        return channel === (f.channel ?? 'book') && (seq !== undefined || channel !== 'book');
      case 'dropMessages':
      case 'duplicateMessages':
        return channel === (f.channel ?? 'book');
      default:
        return false;
    }
  }

  #live(f: Fault, now: number): boolean {
    if ((f.until !== undefined && now >= f.until) || f.remaining === 0) {
      this.#faults.delete(f.faultId);
      this.active = this.#faults.size > 0;
      return false;
    }
    return true;
  }

  #use(f: Fault, now: number, where: Where, detail: string): void {
    f.injected++;
    if (f.remaining !== undefined) f.remaining--;
    this.#emit(f, now, where, detail);
    if (f.remaining === 0) {
      this.#faults.delete(f.faultId);
      this.active = this.#faults.size > 0;
    }
  }

  #emit(f: Fault, now: number, where: Where, detail: string): void {
    this.#record({
      ts: now,
      faultId: f.faultId,
      kind: f.kind,
      accountId: f.accountId,
      ...where,
      by: f.by,
      detail,
    });
  }

  #prune(now: number): void {
    for (const f of [...this.#faults.values()]) this.#live(f, now);
  }
}

function isHttpKind(kind: FaultKind): boolean {
  return kind === 'rateLimit' || kind === 'serverError' || kind === 'latency';
}

function httpAnswer(f: Fault, now: number): HttpFault {
  switch (f.kind) {
    case 'rateLimit': {
      // The whole seconds left in the window, rounded up: a client that waits that long from the
      // answer arrives after the window, and one that comes back sooner is refused again.
      const left = f.until === undefined ? (f.retryAfterSeconds ?? 1) * 1000 : f.until - now;
      return { kind: 'rateLimit', retryAfterSeconds: Math.max(1, Math.ceil(left / 1000)) };
    }
    case 'serverError':
      return {
        kind: 'serverError',
        status: f.status ?? 500,
        afterExecution: f.afterExecution === true,
      };
    default:
      return { kind: 'latency', latencyMs: f.latencyMs ?? 0 };
  }
}

function describeHttp(a: HttpFault): string {
  switch (a.kind) {
    case 'rateLimit':
      return `429 Retry-After ${a.retryAfterSeconds}`;
    case 'serverError':
      return `${a.status}${a.afterExecution ? ' after execution' : ''}`;
    case 'latency':
      return `+${a.latencyMs} ms`;
  }
}

const MAX_DURATION_MS = 24 * 3_600_000;

/** Why a spec cannot be used (the field and the rule), or undefined. */
export function specProblem(s: FaultSpec): string | undefined {
  if (!(FAULT_KINDS as readonly string[]).includes(s.kind)) {
    return `kind must be one of ${FAULT_KINDS.join(', ')}`;
  }
  if (!Number.isSafeInteger(s.accountId) || s.accountId <= 0) {
    return 'accountId must be a positive integer';
  }
  const positive: [string, number | undefined, number][] = [
    ['socketId', s.socketId, Number.MAX_SAFE_INTEGER],
    ['instrumentId', s.instrumentId, Number.MAX_SAFE_INTEGER],
    ['count', s.count, 1_000_000],
    ['durationMs', s.durationMs, MAX_DURATION_MS],
    ['retryAfterSeconds', s.retryAfterSeconds, 3_600],
    ['latencyMs', s.latencyMs, 120_000],
  ];
  for (const [name, v, max] of positive) {
    if (v !== undefined && (!Number.isSafeInteger(v) || v <= 0 || v > max)) {
      return `${name} must be an integer from 1 to ${max}`;
    }
  }
  if (s.status !== undefined && !SERVER_ERROR_STATUSES.includes(s.status)) {
    return `status must be one of ${SERVER_ERROR_STATUSES.join(', ')}`;
  }
  if (s.channel !== undefined && !(FAULT_CHANNELS as readonly string[]).includes(s.channel)) {
    return `channel must be one of ${FAULT_CHANNELS.join(', ')}`;
  }
  if (s.kind === 'latency' && s.latencyMs === undefined) return 'latencyMs is required for latency';
  if (s.kind === 'rateLimit' && s.retryAfterSeconds === undefined) {
    return 'retryAfterSeconds is required for rateLimit';
  }
  return undefined;
}
