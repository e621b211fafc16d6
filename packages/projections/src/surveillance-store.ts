// The surveillance tables as the read models read and write them: alerts (upserted by the projector,
// keeping the status an admin gave them), their listing and evidence, alert statuses, beneficial-owner
// links and per-market threshold overrides.

import type { Alert, FillEvidence, OrderEvidence, Thresholds } from '@bourse/surveillance';
import type { Kysely } from 'kysely';
import { type CursorKey, decodeCursor, encodeCursor, pageLimit } from './cursor.ts';
import type { Page } from './read-models.ts';
import type { Database, SurveillanceAlertsTable } from './schema.ts';

type Db = Kysely<Database>;

export type AlertStatus = 'open' | 'acknowledged' | 'escalated';

export interface AlertRow {
  readonly alertId: string;
  readonly kind: Alert['kind'];
  readonly instrumentId: number;
  readonly accountIds: number[];
  readonly raisedSeq: number;
  readonly firstSeq: number;
  readonly firstTs: number;
  readonly lastSeq: number;
  readonly lastTs: number;
  readonly summary: string;
  readonly status: AlertStatus;
  readonly statusBy: string | undefined;
  readonly statusNote: string | undefined;
  readonly statusTs: number | undefined;
}

/** An alert with its evidence. */
export interface AlertDetail extends AlertRow {
  readonly orders: OrderEvidence[];
  readonly fills: FillEvidence[];
  readonly measures: Record<string, number>;
}

export interface AlertsQuery {
  status?: AlertStatus;
  kind?: string;
  accountId?: number;
  instrumentId?: number;
  limit?: number;
  cursor?: string;
}

export interface OwnerLinkRow {
  readonly accountId: number;
  readonly owner: string;
  readonly linkedBy: string;
  readonly linkedTs: number;
}

export interface ThresholdOverrideRow {
  readonly instrumentId: number;
  readonly overrides: Partial<Thresholds>;
  readonly updatedBy: string;
  readonly updatedTs: number;
}

/** Who changed something, and when (ms since the epoch). */
export interface Change {
  readonly by: string;
  readonly ts: number;
}

/** Stores alerts raised or extended by a batch; `raisedSeq` is the command that raised each. */
export async function writeAlerts(db: Db, alerts: Iterable<[Alert, number]>): Promise<void> {
  for (const [a, raisedSeq] of alerts) {
    const changed = {
      kind: a.kind,
      account_ids: JSON.stringify(a.accountIds),
      first_seq: a.firstSeq,
      first_ts: a.firstTs,
      last_seq: a.lastSeq,
      last_ts: a.lastTs,
      summary: a.summary,
      evidence_json: JSON.stringify({ orders: a.orders, fills: a.fills, measures: a.measures }),
    };
    await db
      .insertInto('surveillance_alerts')
      .values({
        alert_id: a.alertId,
        instrument_id: a.instrumentId,
        raised_seq: raisedSeq,
        status: 'open',
        status_by: null,
        status_note: null,
        status_ts: null,
        ...changed,
      })
      .onConflict((oc) => oc.column('alert_id').doUpdateSet(changed))
      .execute();
    await db
      .insertInto('surveillance_alert_accounts')
      .values(
        a.accountIds.map((account_id) => ({
          account_id,
          alert_id: a.alertId,
          raised_seq: raisedSeq,
        })),
      )
      .onConflict((oc) => oc.columns(['account_id', 'alert_id']).doNothing())
      .execute();
  }
}

export async function queryAlerts(db: Db, q: AlertsQuery): Promise<Page<AlertRow>> {
  const limit = pageLimit(q.limit);
  let s = db.selectFrom('surveillance_alerts').selectAll('surveillance_alerts');
  if (q.accountId !== undefined) {
    s = s
      .innerJoin('surveillance_alert_accounts as aa', 'aa.alert_id', 'surveillance_alerts.alert_id')
      .where('aa.account_id', '=', q.accountId);
  }
  if (q.status !== undefined) s = s.where('status', '=', q.status);
  if (q.kind !== undefined) s = s.where('kind', '=', q.kind);
  if (q.instrumentId !== undefined) s = s.where('instrument_id', '=', q.instrumentId);
  if (q.cursor !== undefined) {
    const [seq, id] = decodeCursor(q.cursor, ['int', 'str']) as [number, string];
    s = s.where((eb) =>
      eb.or([
        eb('surveillance_alerts.raised_seq', '<', seq),
        eb.and([
          eb('surveillance_alerts.raised_seq', '=', seq),
          eb('surveillance_alerts.alert_id', '<', id),
        ]),
      ]),
    );
  }
  const rows = await s
    .orderBy('surveillance_alerts.raised_seq', 'desc')
    .orderBy('surveillance_alerts.alert_id', 'desc')
    .limit(limit + 1)
    .execute();
  const key = (r: SurveillanceAlertsTable): CursorKey => [Number(r.raised_seq), r.alert_id];
  if (rows.length <= limit) return { items: rows.map(toAlertRow) };
  const kept = rows.slice(0, limit);
  return { items: kept.map(toAlertRow), nextCursor: encodeCursor(key(kept[limit - 1]!)) };
}

export async function queryAlert(db: Db, alertId: string): Promise<AlertDetail | undefined> {
  const r = await db
    .selectFrom('surveillance_alerts')
    .selectAll()
    .where('alert_id', '=', alertId)
    .executeTakeFirst();
  if (r === undefined) return undefined;
  const evidence = JSON.parse(r.evidence_json) as Pick<
    AlertDetail,
    'orders' | 'fills' | 'measures'
  >;
  return { ...toAlertRow(r), ...evidence };
}

/** How many alerts there are of each kind and status (the metrics page's gauge). */
export async function countAlerts(
  db: Db,
): Promise<{ kind: string; status: AlertStatus; count: number }[]> {
  const rows = await db
    .selectFrom('surveillance_alerts')
    .select(['kind', 'status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy(['kind', 'status'])
    .execute();
  return rows.map((r) => ({ kind: r.kind, status: r.status as AlertStatus, count: Number(r.n) }));
}

/** Sets an alert's status; undefined when there is no such alert. */
export async function updateAlertStatus(
  db: Db,
  alertId: string,
  status: AlertStatus,
  note: string | undefined,
  change: Change,
): Promise<AlertDetail | undefined> {
  await db
    .updateTable('surveillance_alerts')
    .set({ status, status_by: change.by, status_note: note ?? null, status_ts: change.ts })
    .where('alert_id', '=', alertId)
    .execute();
  return queryAlert(db, alertId);
}

/** Links accounts as one beneficial owner (replacing their earlier links). */
export async function linkOwners(
  db: Db,
  accountIds: readonly number[],
  owner: string,
  change: Change,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const account_id of accountIds) {
      const row = { owner, linked_by: change.by, linked_ts: change.ts };
      await trx
        .insertInto('surveillance_owners')
        .values({ account_id, ...row })
        .onConflict((oc) => oc.column('account_id').doUpdateSet(row))
        .execute();
    }
  });
}

/** Removes an account's link; false when it had none. */
export async function unlinkOwner(db: Db, accountId: number): Promise<boolean> {
  const r = await db
    .deleteFrom('surveillance_owners')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Every owner link: read by the projector at every batch (see `queryOwners`). */
export function ownersQuery(db: Db) {
  return db.selectFrom('surveillance_owners').selectAll().orderBy('account_id');
}

export async function queryOwners(db: Db): Promise<OwnerLinkRow[]> {
  const rows = await ownersQuery(db).execute();
  return rows.map((r) => ({
    accountId: Number(r.account_id),
    owner: r.owner,
    linkedBy: r.linked_by,
    linkedTs: Number(r.linked_ts),
  }));
}

/** Stores a market's overrides, or removes them (`undefined`: the defaults apply again). */
export async function storeThresholds(
  db: Db,
  instrumentId: number,
  overrides: Partial<Thresholds> | undefined,
  change: Change,
): Promise<void> {
  if (overrides === undefined) {
    await db
      .deleteFrom('surveillance_thresholds')
      .where('instrument_id', '=', instrumentId)
      .execute();
    return;
  }
  const row = {
    overrides_json: JSON.stringify(overrides),
    updated_by: change.by,
    updated_ts: change.ts,
  };
  await db
    .insertInto('surveillance_thresholds')
    .values({ instrument_id: instrumentId, ...row })
    .onConflict((oc) => oc.column('instrument_id').doUpdateSet(row))
    .execute();
}

/** Every threshold override: read by the projector at every batch (see `queryThresholds`). */
export function thresholdsQuery(db: Db) {
  return db.selectFrom('surveillance_thresholds').selectAll().orderBy('instrument_id');
}

export async function queryThresholds(db: Db): Promise<ThresholdOverrideRow[]> {
  const rows = await thresholdsQuery(db).execute();
  return rows.map((r) => ({
    instrumentId: Number(r.instrument_id),
    overrides: JSON.parse(r.overrides_json) as Partial<Thresholds>,
    updatedBy: r.updated_by,
    updatedTs: Number(r.updated_ts),
  }));
}

function toAlertRow(r: SurveillanceAlertsTable): AlertRow {
  return {
    alertId: r.alert_id,
    kind: r.kind as Alert['kind'],
    instrumentId: Number(r.instrument_id),
    accountIds: JSON.parse(r.account_ids) as number[],
    raisedSeq: Number(r.raised_seq),
    firstSeq: Number(r.first_seq),
    firstTs: Number(r.first_ts),
    lastSeq: Number(r.last_seq),
    lastTs: Number(r.last_ts),
    summary: r.summary,
    status: r.status as AlertStatus,
    statusBy: r.status_by ?? undefined,
    statusNote: r.status_note ?? undefined,
    statusTs: r.status_ts === null ? undefined : Number(r.status_ts),
  };
}
