// Runs every active alert's rule over each applied command, in seq order, keeping the market facts
// the rules read. An alert fires once: the firing removes it from the active set. An alert only sees
// commands after the seq at which it was created (`fromSeq`), so a replay after a restart fires the
// same alerts at the same commands as the live run would have.

import type { AlertCondition } from './conditions.ts';
import type { MarketTape } from './market-tape.ts';
import {
  type CommandFacts,
  clockTrigger,
  commandTrigger,
  type RuleState,
  type Trigger,
} from './rules.ts';

export interface ActiveAlert {
  readonly alertId: number;
  readonly userId: number;
  readonly accountId: number;
  readonly condition: AlertCondition;
  readonly fromSeq: number;
  readonly state: RuleState;
}

export interface Firing {
  readonly alert: ActiveAlert;
  /** The command that fired it (the last applied one for a clock rule). */
  readonly seq: number;
  readonly ts: number;
  readonly trigger: Trigger;
}

const NONE_FIRED: readonly Firing[] = Object.freeze([]);

export class AlertEvaluator {
  readonly tape: MarketTape;
  readonly #active = new Map<number, ActiveAlert>();
  /**
   * The active alerts by the market they watch, and (order fills) by the owner's account, so a
   * command costs a look-up per market and account it touched, not a pass over every alert.
   */
  readonly #byMarket = new Map<number, Set<number>>();
  readonly #byAccount = new Map<number, Set<number>>();
  /** Alerts whose state changed since `takeDirty` (their windows must be saved with the seq). */
  #dirty = new Set<number>();
  #seq: number;

  constructor(tape: MarketTape, seq: number) {
    this.tape = tape;
    this.#seq = seq;
  }

  /** The last command applied (the seq the tape and every state are exact at). */
  get seq(): number {
    return this.#seq;
  }

  add(alert: ActiveAlert): void {
    this.remove(alert.alertId);
    this.#active.set(alert.alertId, alert);
    const [index, key] = this.#indexOf(alert);
    let ids = index.get(key);
    if (ids === undefined) index.set(key, (ids = new Set()));
    ids.add(alert.alertId);
  }

  remove(alertId: number): void {
    const alert = this.#active.get(alertId);
    if (alert === undefined) return;
    this.#active.delete(alertId);
    this.#dirty.delete(alertId);
    const [index, key] = this.#indexOf(alert);
    const ids = index.get(key);
    ids?.delete(alertId);
    if (ids?.size === 0) index.delete(key);
  }

  #indexOf(a: ActiveAlert): [Map<number, Set<number>>, number] {
    return a.condition.kind === 'orderFilled'
      ? [this.#byAccount, a.accountId]
      : [this.#byMarket, a.condition.instrumentId];
  }

  get size(): number {
    return this.#active.size;
  }

  /**
   * One applied command: the tape moves, then every alert it may concern is checked. Nothing fired
   * answers one shared empty list (this runs for every command on the gateway thread).
   */
  apply(cmd: CommandFacts): readonly Firing[] {
    if (cmd.seq <= this.#seq) return NONE_FIRED;
    this.#seq = cmd.seq;
    for (const e of cmd.events) this.tape.apply(e);
    if (this.#active.size === 0) return NONE_FIRED;
    const fired: Firing[] = [];
    for (const a of this.#concerned(cmd)) {
      if (a.fromSeq >= cmd.seq) continue;
      const id = a.condition.instrumentId;
      const market = id === undefined ? undefined : this.tape.market(id);
      const trigger = commandTrigger(a.condition, a.state, a.accountId, market, cmd);
      if (a.condition.kind === 'priceMove' || a.condition.kind === 'volume')
        this.#dirty.add(a.alertId);
      if (trigger !== undefined) fired.push({ alert: a, seq: cmd.seq, ts: cmd.ts, trigger });
    }
    for (const f of fired) this.remove(f.alert.alertId);
    return fired;
  }

  /** The active alerts on the markets, and the fill alerts of the accounts, the command touched. */
  #concerned(cmd: CommandFacts): ActiveAlert[] {
    const touched = touchedBy(cmd);
    const out: ActiveAlert[] = [];
    for (const [index, keys] of [
      [this.#byMarket, touched.markets],
      [this.#byAccount, touched.accounts],
    ] as const) {
      for (const key of keys) {
        for (const id of index.get(key) ?? []) out.push(this.#active.get(id)!);
      }
    }
    return out;
  }

  /** The clock's rules (a scheduled close coming up), read at `now`. */
  tick(now: number): Firing[] {
    const fired: Firing[] = [];
    for (const a of this.#active.values()) {
      if (a.condition.kind !== 'marketClosing') continue;
      const trigger = clockTrigger(a.condition, this.tape.market(a.condition.instrumentId), now);
      if (trigger !== undefined) fired.push({ alert: a, seq: this.#seq, ts: now, trigger });
    }
    for (const f of fired) this.remove(f.alert.alertId);
    return fired;
  }

  /** The active alerts whose running state changed since the last call. */
  takeDirty(): ActiveAlert[] {
    const out: ActiveAlert[] = [];
    for (const id of this.#dirty) {
      const a = this.#active.get(id);
      if (a !== undefined) out.push(a);
    }
    this.#dirty = new Set();
    return out;
  }
}

/** The markets and accounts a command's events concern. */
function touchedBy(cmd: CommandFacts): { markets: Set<number>; accounts: Set<number> } {
  const markets = new Set<number>();
  const accounts = new Set<number>();
  for (const e of cmd.events) {
    if ('instrumentId' in e) markets.add(e.instrumentId);
    if (e.type === 'fill') {
      accounts.add(e.takerAccountId);
      accounts.add(e.makerAccountId);
    }
  }
  return { markets, accounts };
}
