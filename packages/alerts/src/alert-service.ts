// The alerts feature as the gateway's routes use it: per-user alerts (create, list, delete, import the
// browser's old ones once), delivery settings and push subscriptions, the notifications and the
// delivery log; behind it the runner (evaluation on the durable stream) and the dispatcher (delivery).

import { randomBytes } from 'node:crypto';
import { ensurePrivateFile } from '@bourse/core';
import { join } from 'node:path';
import type {
  AlertImportBody,
  AlertNotification,
  AlertSettings,
  AlertSettingsBody,
  PushSubscriptionBody,
  UserAlertBody,
  UserAlertView,
} from '@bourse/protocol';
import { type AlertRow, AlertStore } from './alert-store.ts';
import { AlertRunner, type RunnerCore, type RunnerLogger } from './alert-runner.ts';
import { type AlertCondition, type Channel, conditionProblem } from './conditions.ts';
import { Dispatcher, type DispatcherOptions, type Sender } from './delivery/dispatcher.ts';
import { type EmailSender, emailSender, type SmtpConfig } from './delivery/email.ts';
import { notificationPayload } from './delivery/payload.ts';
import { webhookSender } from './delivery/webhook.ts';
import { loadVapidKeys, pushSender, type VapidKeys } from './delivery/web-push.ts';
import { initialState } from './rules.ts';
import { conditionFromBody, conditionView } from './condition-body.ts';
import { AlertInputError } from './alert-errors.ts';
import type { Agent } from 'node:https';

export interface AlertServiceOptions {
  /** Holds `alerts.db` and the VAPID keys (`alerts-vapid.json`). */
  readonly dataDir: string;
  readonly core: RunnerCore;
  /** Wall time: delivery schedules, webhook timestamps (default Date.now). */
  readonly clock?: () => number;
  /** The exchange's time, which "about to close" is read against (a sandbox simulates it). */
  readonly exchangeClock?: () => number;
  readonly logger: RunnerLogger;
  /** The operator's SMTP relay; without it e-mail is not offered. */
  readonly smtp?: SmtpConfig;
  /** The VAPID subject (a mailto: or https: URL the push services may contact). */
  readonly pushSubject?: string;
  /** HTTPS agent for push services (tests trust their local stand-in with it). */
  readonly pushAgent?: Agent;
  readonly dispatch?: Partial<DispatcherOptions>;
  /** How often clock rules are read and progress is saved (default 1 s). */
  readonly tickMs?: number;
}

export interface Owner {
  readonly userId: number;
  readonly accountId: number;
}

export const ALERTS_DB = 'alerts.db';
export const VAPID_FILE = 'alerts-vapid.json';

type Listener = (accountId: number, n: AlertNotification) => void;

export class AlertService {
  readonly store: AlertStore;
  readonly #runner: AlertRunner;
  readonly #dispatcher: Dispatcher;
  readonly #email: EmailSender | undefined;
  readonly #vapid: VapidKeys;
  readonly #clock: () => number;
  readonly #listeners = new Set<Listener>();
  readonly #channels: readonly Channel[];

  private constructor(o: AlertServiceOptions) {
    this.#clock = o.clock ?? Date.now;
    // Made 0600 before SQLite opens it; its WAL and shared-memory files take the same mode.
    ensurePrivateFile(join(o.dataDir, ALERTS_DB));
    this.store = new AlertStore(join(o.dataDir, ALERTS_DB));
    this.#vapid = loadVapidKeys(join(o.dataDir, VAPID_FILE));
    this.#email = o.smtp === undefined ? undefined : emailSender(o.smtp);
    const senders: Partial<Record<Channel, Sender>> = {
      webhook: webhookSender(this.store, this.#clock),
      push: pushSender(this.store, this.#vapid, {
        subject: o.pushSubject ?? 'mailto:operator@bourse.invalid',
        ...(o.pushAgent === undefined ? {} : { agent: o.pushAgent }),
      }),
      ...(this.#email === undefined ? {} : { email: this.#email.send }),
    };
    this.#channels = [
      'inApp',
      'push',
      'webhook',
      ...(this.#email === undefined ? [] : ['email' as const]),
    ];
    this.#dispatcher = new Dispatcher(this.store, senders, this.#clock, o.dispatch);
    this.#runner = new AlertRunner(o.core, this.store, o.exchangeClock ?? this.#clock, o.logger, {
      notified: (n) => {
        const payload = notificationPayload(n) as AlertNotification;
        for (const l of this.#listeners) l(n.accountId, payload);
      },
      queued: () => this.#dispatcher.kick(),
    });
  }

  /** Opens the store, catches up with the journal and starts following the exchange. */
  static async open(o: AlertServiceOptions): Promise<AlertService> {
    const service = new AlertService(o);
    await service.#runner.start(o.tickMs);
    service.#dispatcher.kick();
    return service;
  }

  async close(): Promise<void> {
    this.#runner.close();
    await this.#dispatcher.close();
    this.#email?.close();
    this.store.close();
  }

  /** Calls `listener` with each committed firing (the in-app channel). */
  onNotification(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  create(owner: Owner, body: UserAlertBody): UserAlertView {
    const tape = this.#runner.tape;
    const condition = conditionFromBody(body, (symbol) => tape?.bySymbol(symbol)?.instrumentId);
    const problem = conditionProblem(condition);
    if (problem !== undefined)
      throw new AlertInputError('VALIDATION_FAILED', `${problem.field} must be ${problem.rule}.`);
    const channels = body.channels as Channel[];
    const missing = channels.find((c) => !this.#channels.includes(c));
    if (missing !== undefined)
      throw new AlertInputError(
        'VALIDATION_FAILED',
        `channels: ${missing} is not configured on this server.`,
      );
    return this.#view(this.#insert(owner, condition, channels, body.note ?? '')!);
  }

  #insert(
    owner: Owner,
    condition: AlertCondition,
    channels: readonly Channel[],
    note: string,
    importKey?: string,
  ) {
    const row = this.store.insertAlert({
      userId: owner.userId,
      accountId: owner.accountId,
      condition,
      channels,
      note,
      createdAt: this.#clock(),
      fromSeq: this.#runner.seq,
      state: initialState(condition),
      ...(importKey === undefined ? {} : { importKey }),
    });
    if (row !== undefined) this.#runner.watch(row);
    return row;
  }

  list(userId: number): UserAlertView[] {
    return this.store.alertsOf(userId).map((a) => this.#view(a));
  }

  remove(userId: number, alertId: number): void {
    if (!this.store.deleteAlert(userId, alertId))
      throw new AlertInputError('NOT_FOUND', `No alert ${alertId}.`);
    this.#runner.unwatch(alertId);
  }

  /** The browser's localStorage alerts: each browser id once; fired ones and unknown markets skipped. */
  importLocal(owner: Owner, body: AlertImportBody): { imported: number; skipped: number } {
    let imported = 0;
    for (const item of body.items) {
      const market = this.#runner.tape?.bySymbol(item.market);
      if (market === undefined || (item.firedAt ?? null) !== null) continue;
      const condition: AlertCondition = {
        kind: 'priceCross',
        instrumentId: market.instrumentId,
        direction: item.direction,
        priceTicks: item.priceTicks,
      };
      if (
        this.#insert(owner, condition, ['inApp'], 'imported from this browser', `local:${item.id}`)
      )
        imported++;
    }
    return { imported, skipped: body.items.length - imported };
  }

  notifications(userId: number, limit = 100): AlertNotification[] {
    return this.store
      .notificationsOf(userId, limit)
      .map((n) => notificationPayload(n) as AlertNotification);
  }

  deliveries(userId: number, limit = 100) {
    return this.store.deliveryLogOf(userId, limit);
  }

  settings(userId: number): AlertSettings {
    return { ...this.store.settings(userId), channels: [...this.#channels] };
  }

  saveSettings(userId: number, body: AlertSettingsBody): AlertSettings {
    if (body.email !== null && !/^[^\s@<>]+@[^\s@<>]+$/.test(body.email))
      throw new AlertInputError('VALIDATION_FAILED', 'email must be an e-mail address.');
    if (body.webhookUrl !== null && !/^https?:\/\/[^\s]+$/.test(body.webhookUrl))
      throw new AlertInputError(
        'VALIDATION_FAILED',
        'webhookUrl must be an http:// or https:// URL.',
      );
    const before = this.store.settings(userId);
    const secret =
      body.rotateSecret === true || (before.webhookSecret === null && body.webhookUrl !== null)
        ? `whsec_${randomBytes(24).toString('base64url')}`
        : before.webhookSecret;
    this.store.saveSettings(userId, {
      email: body.email,
      webhookUrl: body.webhookUrl,
      webhookSecret: secret,
    });
    return this.settings(userId);
  }

  pushKey(): string {
    return this.#vapid.publicKey;
  }

  subscribePush(userId: number, body: PushSubscriptionBody): void {
    if (!/^https?:\/\//.test(body.endpoint))
      throw new AlertInputError('VALIDATION_FAILED', 'endpoint must be an https:// URL.');
    const { p256dh, auth } = body.keys as { p256dh: string; auth: string };
    this.store.addPushSubscription(userId, { endpoint: body.endpoint, p256dh, auth });
  }

  unsubscribePush(userId: number, endpoint: string): void {
    if (!this.store.removePushSubscription(userId, endpoint))
      throw new AlertInputError('NOT_FOUND', 'No such push subscription.');
  }

  #view(a: AlertRow): UserAlertView {
    const n = a.firedAt === null ? undefined : this.store.notification(a.alertId);
    const symbolOf = (id: number) => this.#runner.tape?.market(id)?.symbol ?? String(id);
    return {
      alertId: a.alertId,
      condition: conditionView(a.condition, symbolOf),
      channels: [...a.channels],
      note: a.note,
      createdAt: a.createdAt,
      fromSeq: a.fromSeq,
      state: a.firedAt === null ? 'watching' : 'fired',
      firedAt: a.firedAt,
      firedSeq: a.firedSeq,
      firedText: n?.text ?? null,
    };
  }
}
