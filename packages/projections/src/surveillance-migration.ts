// The surveillance tables: alerts with their evidence (and an account index for listing an account's
// alerts), beneficial-owner links and per-market threshold overrides. Alerts are written by the
// projector in the same transaction as the commands that raised them; links, thresholds and alert
// statuses are written by admins.

import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type.
type AnyDb = Kysely<any>;

export const surveillanceTables: Migration = {
  async up(db: AnyDb): Promise<void> {
    await db.schema
      .createTable('surveillance_alerts')
      .addColumn('alert_id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('instrument_id', 'bigint', (c) => c.notNull())
      .addColumn('account_ids', 'text', (c) => c.notNull())
      .addColumn('raised_seq', 'bigint', (c) => c.notNull())
      .addColumn('first_seq', 'bigint', (c) => c.notNull())
      .addColumn('first_ts', 'bigint', (c) => c.notNull())
      .addColumn('last_seq', 'bigint', (c) => c.notNull())
      .addColumn('last_ts', 'bigint', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('evidence_json', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_by', 'text')
      .addColumn('status_note', 'text')
      .addColumn('status_ts', 'bigint')
      .execute();
    await db.schema
      .createIndex('surveillance_alerts_by_raised')
      .on('surveillance_alerts')
      .columns(['raised_seq', 'alert_id'])
      .execute();
    await db.schema
      .createTable('surveillance_alert_accounts')
      .addColumn('account_id', 'bigint', (c) => c.notNull())
      .addColumn('alert_id', 'text', (c) => c.notNull())
      .addColumn('raised_seq', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('surveillance_alert_accounts_pk', ['account_id', 'alert_id'])
      .execute();
    await db.schema
      .createTable('surveillance_owners')
      .addColumn('account_id', 'bigint', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('linked_by', 'text', (c) => c.notNull())
      .addColumn('linked_ts', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('surveillance_thresholds')
      .addColumn('instrument_id', 'bigint', (c) => c.primaryKey())
      .addColumn('overrides_json', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_ts', 'bigint', (c) => c.notNull())
      .execute();
  },
};
