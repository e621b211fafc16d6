// The projector's side of surveillance: feeds every stored command to the detectors and writes the
// alerts they raise in the same transaction. Who owns an account (its user, or an admin's link) and
// each market's thresholds are read from the tables at every batch, so an admin's change applies from
// the next batch on. The detectors' windows live in memory; after a restart they are restored from the
// stored history (`surveillance-warmup.ts`).

import { type Alert, Surveillance, withOverrides } from '@bourse/surveillance';
import type { Kysely } from 'kysely';
import type { AppliedCommand } from './read-models.ts';
import type { AccountsTable, Database } from './schema.ts';
import { queryOwners, queryThresholds, writeAlerts } from './surveillance-store.ts';
import { warmUp } from './surveillance-warmup.ts';

export class SurveillanceFeed {
  readonly #userOf = new Map<number, number>();
  #owners = new Map<number, string>();
  #overrides = new Map<number, ReturnType<typeof withOverrides>>();
  readonly #surveillance = new Surveillance({
    ownerOf: (a) => this.#owners.get(a) ?? `user:${this.#userOf.get(a) ?? `account:${a}`}`,
    thresholds: (m) => this.#overrides.get(m) ?? withOverrides(undefined),
  });
  /** The last command the detectors saw: a batch retried after a failed write is not fed twice. */
  #fedSeq = 0;
  /** Alerts raised by commands fed but not yet written (a failed transaction keeps them here). */
  readonly #unwritten = new Map<string, [Alert, number]>();

  /** Loads the accounts' users and the markets' grids from the stored tables. */
  async open(db: Kysely<Database>, lastSeq: number, lastTs: number): Promise<void> {
    this.#fedSeq = lastSeq;
    const accounts = await db.selectFrom('accounts').select(['account_id', 'user_id']).execute();
    for (const a of accounts) this.#userOf.set(Number(a.account_id), Number(a.user_id));
    const markets = await db
      .selectFrom('instruments')
      .select(['instrument_id', 'spec_json'])
      .execute();
    for (const m of markets) {
      const spec = JSON.parse(m.spec_json) as { tickSize: number };
      this.#surveillance.addMarket(Number(m.instrument_id), spec.tickSize);
    }
    if (lastSeq > 0) await warmUp(db, this.#surveillance, lastTs);
  }

  /** Feeds a batch (inside its transaction) and writes the alerts it raised. */
  async apply(
    trx: Kysely<Database>,
    batch: readonly AppliedCommand[],
    accounts: readonly AccountsTable[],
  ): Promise<void> {
    for (const a of accounts) this.#userOf.set(a.account_id, a.user_id);
    this.#owners = new Map((await queryOwners(trx)).map((o) => [o.accountId, o.owner]));
    this.#overrides = new Map(
      (await queryThresholds(trx)).map((t) => [t.instrumentId, withOverrides(t.overrides)]),
    );
    for (const ac of batch) {
      if (ac.seq <= this.#fedSeq) continue;
      for (const alert of this.#surveillance.feed(ac)) {
        const raised = this.#unwritten.get(alert.alertId)?.[1] ?? ac.seq;
        this.#unwritten.set(alert.alertId, [alert, raised]);
      }
      this.#fedSeq = ac.seq;
    }
    if (this.#unwritten.size === 0) return;
    await writeAlerts(trx, this.#unwritten.values());
  }

  /** The batch's transaction committed: its alerts are stored. */
  committed(): void {
    this.#unwritten.clear();
  }
}
