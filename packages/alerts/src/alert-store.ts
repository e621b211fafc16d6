// The alerts' durable home: an SQLite file in the data directory with each user's alerts, delivery
// settings and push subscriptions, the notifications alerts produced, the outbox of deliveries with
// their log, and the evaluator's progress (the seq it is exact at, the market facts and every
// alert's running state). A firing, its notification, its deliveries and the progress past its
// command are written in one transaction, so after any stop an alert has either fired with all its
// deliveries queued, or not fired and is evaluated again from the saved seq.
//
// WAL with synchronous=NORMAL: a commit costs no fsync on the gateway's thread. A process crash loses
// nothing; a power loss may lose the last commits, which the journal (fsynced) then replays into the
// same firings with the same ids, so a receiver that keys on the id sees them once.

import { DatabaseSync } from 'node:sqlite';
import type { AlertCondition, Channel } from './conditions.ts';
import type { SavedMarket } from './market-tape.ts';
import type { RuleState, Trigger } from './rules.ts';

export interface AlertRow {
  readonly alertId: number;
  readonly userId: number;
  readonly accountId: number;
  readonly condition: AlertCondition;
  readonly channels: readonly Channel[];
  readonly note: string;
  readonly createdAt: number;
  readonly fromSeq: number;
  readonly firedAt: number | null;
  readonly firedSeq: number | null;
  readonly state: RuleState;
}

export interface NotificationRow {
  readonly alertId: number;
  readonly userId: number;
  readonly accountId: number;
  readonly kind: string;
  readonly seq: number;
  readonly ts: number;
  readonly text: string;
  readonly detail: Trigger['detail'];
}

export interface DeliveryRow {
  readonly deliveryId: number;
  readonly alertId: number;
  readonly userId: number;
  readonly channel: Channel;
  readonly target: string;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly nextAt: number;
}

export interface DeliveryLogRow {
  readonly deliveryId: number;
  readonly alertId: number;
  readonly channel: Channel;
  readonly target: string;
  readonly ts: number;
  readonly attempt: number;
  readonly ok: boolean;
  readonly detail: string;
}

export interface Settings {
  readonly email: string | null;
  readonly webhookUrl: string | null;
  readonly webhookSecret: string | null;
}

export interface PushSubscriptionRow {
  readonly endpoint: string;
  readonly p256dh: string;
  readonly auth: string;
}

export interface Progress {
  readonly seq: number;
  readonly markets: readonly SavedMarket[];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS alerts (
  alert_id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL, account_id INTEGER NOT NULL,
  condition TEXT NOT NULL, channels TEXT NOT NULL, note TEXT NOT NULL, created_at INTEGER NOT NULL,
  from_seq INTEGER NOT NULL, fired_at INTEGER, fired_seq INTEGER, state TEXT NOT NULL,
  import_key TEXT, UNIQUE (user_id, import_key));
CREATE TABLE IF NOT EXISTS notifications (
  alert_id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, account_id INTEGER NOT NULL,
  kind TEXT NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL, text TEXT NOT NULL,
  detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS notifications_user ON notifications (user_id, ts);
CREATE TABLE IF NOT EXISTS deliveries (
  delivery_id INTEGER PRIMARY KEY AUTOINCREMENT, alert_id INTEGER NOT NULL, user_id INTEGER NOT NULL,
  channel TEXT NOT NULL, target TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
  next_at INTEGER NOT NULL, UNIQUE (alert_id, channel, target));
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_at);
CREATE TABLE IF NOT EXISTS delivery_log (
  log_id INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id INTEGER NOT NULL, alert_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL, channel TEXT NOT NULL, target TEXT NOT NULL, ts INTEGER NOT NULL,
  attempt INTEGER NOT NULL, ok INTEGER NOT NULL, detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS delivery_log_user ON delivery_log (user_id, log_id);
CREATE TABLE IF NOT EXISTS settings (
  user_id INTEGER PRIMARY KEY, email TEXT, webhook_url TEXT, webhook_secret TEXT);
CREATE TABLE IF NOT EXISTS push_subscriptions (
  endpoint TEXT PRIMARY KEY, user_id INTEGER NOT NULL, p256dh TEXT NOT NULL, auth TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS progress (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL,
  markets TEXT NOT NULL);
`;

type Row = Record<string, unknown>;

export class AlertStore {
  readonly #db: DatabaseSync;

  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    this.#db.exec(SCHEMA);
  }

  close(): void {
    this.#db.close();
  }

  /** Runs `work` in one transaction (all of it is kept, or none). */
  transaction<T>(work: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const out = work();
      this.#db.exec('COMMIT');
      return out;
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  progress(): Progress | undefined {
    const r = this.#db.prepare('SELECT seq, markets FROM progress WHERE id = 1').get() as
      | Row
      | undefined;
    if (r === undefined) return undefined;
    return { seq: Number(r.seq), markets: JSON.parse(String(r.markets)) as SavedMarket[] };
  }

  saveProgress(p: Progress): void {
    this.#db
      .prepare(
        'INSERT INTO progress (id, seq, markets) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, markets = excluded.markets',
      )
      .run(p.seq, JSON.stringify(p.markets));
  }

  /** A new alert; undefined when `importKey` was already imported for this user. */
  insertAlert(
    a: Omit<AlertRow, 'alertId' | 'firedAt' | 'firedSeq'> & { importKey?: string },
  ): AlertRow | undefined {
    const r = this.#db
      .prepare(
        `INSERT INTO alerts (user_id, account_id, condition, channels, note, created_at, from_seq, state, import_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, import_key) DO NOTHING`,
      )
      .run(
        a.userId,
        a.accountId,
        JSON.stringify(a.condition),
        JSON.stringify(a.channels),
        a.note,
        a.createdAt,
        a.fromSeq,
        JSON.stringify(a.state),
        a.importKey ?? null,
      );
    if (r.changes === 0) return undefined;
    return { ...a, alertId: Number(r.lastInsertRowid), firedAt: null, firedSeq: null };
  }

  alert(alertId: number): AlertRow | undefined {
    const r = this.#db.prepare('SELECT * FROM alerts WHERE alert_id = ?').get(alertId) as
      | Row
      | undefined;
    return r === undefined ? undefined : alertRow(r);
  }

  alertsOf(userId: number): AlertRow[] {
    const rows = this.#db
      .prepare('SELECT * FROM alerts WHERE user_id = ? ORDER BY alert_id')
      .all(userId);
    return (rows as Row[]).map(alertRow);
  }

  activeAlerts(): AlertRow[] {
    const rows = this.#db
      .prepare('SELECT * FROM alerts WHERE fired_at IS NULL ORDER BY alert_id')
      .all();
    return (rows as Row[]).map(alertRow);
  }

  deleteAlert(userId: number, alertId: number): boolean {
    return (
      this.#db.prepare('DELETE FROM alerts WHERE alert_id = ? AND user_id = ?').run(alertId, userId)
        .changes > 0
    );
  }

  saveState(alertId: number, state: RuleState): void {
    this.#db
      .prepare('UPDATE alerts SET state = ? WHERE alert_id = ?')
      .run(JSON.stringify(state), alertId);
  }

  /** Marks the alert fired and stores its notification (once: a second firing is ignored). */
  markFired(n: NotificationRow): boolean {
    const r = this.#db
      .prepare(
        'UPDATE alerts SET fired_at = ?, fired_seq = ? WHERE alert_id = ? AND fired_at IS NULL',
      )
      .run(n.ts, n.seq, n.alertId);
    if (r.changes === 0) return false;
    this.#db
      .prepare(
        'INSERT INTO notifications (alert_id, user_id, account_id, kind, seq, ts, text, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(n.alertId, n.userId, n.accountId, n.kind, n.seq, n.ts, n.text, JSON.stringify(n.detail));
    return true;
  }

  notification(alertId: number): NotificationRow | undefined {
    const r = this.#db.prepare('SELECT * FROM notifications WHERE alert_id = ?').get(alertId) as
      | Row
      | undefined;
    return r === undefined ? undefined : notificationRow(r);
  }

  notificationsOf(userId: number, limit: number): NotificationRow[] {
    const rows = this.#db
      .prepare(
        'SELECT * FROM notifications WHERE user_id = ? ORDER BY ts DESC, alert_id DESC LIMIT ?',
      )
      .all(userId, limit);
    return (rows as Row[]).map(notificationRow);
  }

  queueDelivery(d: {
    alertId: number;
    userId: number;
    channel: Channel;
    target: string;
    nextAt: number;
  }): void {
    this.#db
      .prepare(
        `INSERT INTO deliveries (alert_id, user_id, channel, target, status, attempts, next_at)
         VALUES (?, ?, ?, ?, 'pending', 0, ?) ON CONFLICT DO NOTHING`,
      )
      .run(d.alertId, d.userId, d.channel, d.target, d.nextAt);
  }

  /** Pending deliveries due by `now`, soonest first. */
  dueDeliveries(now: number, limit: number): DeliveryRow[] {
    const rows = this.#db
      .prepare(
        "SELECT * FROM deliveries WHERE status = 'pending' AND next_at <= ? ORDER BY next_at, delivery_id LIMIT ?",
      )
      .all(now, limit);
    return (rows as Row[]).map(deliveryRow);
  }

  /** When the next pending delivery is due, if any. */
  nextDeliveryAt(): number | undefined {
    const r = this.#db
      .prepare("SELECT MIN(next_at) AS t FROM deliveries WHERE status = 'pending'")
      .get() as Row;
    return r.t === null ? undefined : Number(r.t);
  }

  /** Records one attempt and what follows: delivered, failed for good, or retried at `nextAt`. */
  recordAttempt(
    d: DeliveryRow,
    at: number,
    outcome: { ok: boolean; detail: string; status: DeliveryRow['status']; nextAt: number },
  ): void {
    this.transaction(() => {
      this.#db
        .prepare(
          'UPDATE deliveries SET status = ?, attempts = attempts + 1, next_at = ? WHERE delivery_id = ?',
        )
        .run(outcome.status, outcome.nextAt, d.deliveryId);
      this.#db
        .prepare(
          'INSERT INTO delivery_log (delivery_id, alert_id, user_id, channel, target, ts, attempt, ok, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          d.deliveryId,
          d.alertId,
          d.userId,
          d.channel,
          d.target,
          at,
          d.attempts + 1,
          outcome.ok ? 1 : 0,
          outcome.detail,
        );
    });
  }

  deliveryLogOf(userId: number, limit: number): DeliveryLogRow[] {
    const rows = this.#db
      .prepare('SELECT * FROM delivery_log WHERE user_id = ? ORDER BY log_id DESC LIMIT ?')
      .all(userId, limit) as Row[];
    return rows.map((r) => ({
      deliveryId: Number(r.delivery_id),
      alertId: Number(r.alert_id),
      channel: String(r.channel) as Channel,
      target: String(r.target),
      ts: Number(r.ts),
      attempt: Number(r.attempt),
      ok: Number(r.ok) === 1,
      detail: String(r.detail),
    }));
  }

  deliveriesOf(alertId: number): DeliveryRow[] {
    const rows = this.#db
      .prepare('SELECT * FROM deliveries WHERE alert_id = ? ORDER BY delivery_id')
      .all(alertId);
    return (rows as Row[]).map(deliveryRow);
  }

  settings(userId: number): Settings {
    const r = this.#db.prepare('SELECT * FROM settings WHERE user_id = ?').get(userId) as
      | Row
      | undefined;
    return {
      email: (r?.email as string | null | undefined) ?? null,
      webhookUrl: (r?.webhook_url as string | null | undefined) ?? null,
      webhookSecret: (r?.webhook_secret as string | null | undefined) ?? null,
    };
  }

  saveSettings(userId: number, s: Settings): void {
    this.#db
      .prepare(
        `INSERT INTO settings (user_id, email, webhook_url, webhook_secret) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, webhook_url = excluded.webhook_url,
         webhook_secret = excluded.webhook_secret`,
      )
      .run(userId, s.email, s.webhookUrl, s.webhookSecret);
  }

  addPushSubscription(userId: number, s: PushSubscriptionRow): void {
    this.#db
      .prepare(
        `INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth) VALUES (?, ?, ?, ?)
         ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth`,
      )
      .run(s.endpoint, userId, s.p256dh, s.auth);
  }

  removePushSubscription(userId: number, endpoint: string): boolean {
    return (
      this.#db
        .prepare('DELETE FROM push_subscriptions WHERE endpoint = ? AND user_id = ?')
        .run(endpoint, userId).changes > 0
    );
  }

  pushSubscriptionsOf(userId: number): PushSubscriptionRow[] {
    const rows = this.#db
      .prepare('SELECT * FROM push_subscriptions WHERE user_id = ? ORDER BY endpoint')
      .all(userId) as Row[];
    return rows.map((r) => ({
      endpoint: String(r.endpoint),
      p256dh: String(r.p256dh),
      auth: String(r.auth),
    }));
  }

  pushSubscription(endpoint: string): PushSubscriptionRow | undefined {
    const r = this.#db
      .prepare('SELECT * FROM push_subscriptions WHERE endpoint = ?')
      .get(endpoint) as Row | undefined;
    return r === undefined
      ? undefined
      : { endpoint: String(r.endpoint), p256dh: String(r.p256dh), auth: String(r.auth) };
  }
}

function alertRow(r: Row): AlertRow {
  return {
    alertId: Number(r.alert_id),
    userId: Number(r.user_id),
    accountId: Number(r.account_id),
    condition: JSON.parse(String(r.condition)) as AlertCondition,
    channels: JSON.parse(String(r.channels)) as Channel[],
    note: String(r.note),
    createdAt: Number(r.created_at),
    fromSeq: Number(r.from_seq),
    firedAt: r.fired_at === null ? null : Number(r.fired_at),
    firedSeq: r.fired_seq === null ? null : Number(r.fired_seq),
    state: JSON.parse(String(r.state)) as RuleState,
  };
}

function notificationRow(r: Row): NotificationRow {
  return {
    alertId: Number(r.alert_id),
    userId: Number(r.user_id),
    accountId: Number(r.account_id),
    kind: String(r.kind),
    seq: Number(r.seq),
    ts: Number(r.ts),
    text: String(r.text),
    detail: JSON.parse(String(r.detail)) as Trigger['detail'],
  };
}

function deliveryRow(r: Row): DeliveryRow {
  return {
    deliveryId: Number(r.delivery_id),
    alertId: Number(r.alert_id),
    userId: Number(r.user_id),
    channel: String(r.channel) as Channel,
    target: String(r.target),
    status: String(r.status) as DeliveryRow['status'],
    attempts: Number(r.attempts),
    nextAt: Number(r.next_at),
  };
}
