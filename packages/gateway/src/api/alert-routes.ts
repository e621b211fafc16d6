// A user's own alerts (scope `read`: they change nothing on the exchange): create, list and delete
// alerts, import the ones a browser kept before, the notifications that fired and the delivery log,
// delivery settings (e-mail address, webhook URL and its signing secret) and Web Push subscriptions.
// The alerts service (packages/alerts) does the work; a server opened without it answers 501.

import type { AlertService } from '@bourse/alerts';
import {
  AlertDeliveryLog,
  AlertImportBody,
  AlertImportResponse,
  AlertListQuery,
  AlertNotificationList,
  AlertSettings,
  AlertSettingsBody,
  PushKey,
  PushSubscriptionBody,
  PushUnsubscribeBody,
  UserAlertBody,
  UserAlertList,
  UserAlertView,
} from '@bourse/protocol';
import { ApiError } from '../error-catalogue.ts';
import type { RequestContext } from './route-def.ts';
import { type RouteDef, route } from './route-def.ts';
import { caller, idParam } from './route-helpers.ts';

/** The alerts service, or NOT_SUPPORTED on a server without one (a cluster gateway). */
function alerts(ctx: Pick<RequestContext, 'services'>): AlertService {
  const a = ctx.services.alerts;
  if (a === undefined) throw new ApiError('NOT_SUPPORTED', 'This server keeps no alerts.');
  return a;
}

/** Runs `work`, turning the alerts' refusals into catalogue errors. */
function answer<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if ((error as Error).name === 'AlertInputError') {
      const e = error as Error & { code: 'VALIDATION_FAILED' | 'MARKET_NOT_FOUND' | 'NOT_FOUND' };
      throw new ApiError(e.code, e.message);
    }
    throw error;
  }
}

const owner = (ctx: Pick<RequestContext, 'principal'>) => {
  const p = caller(ctx);
  return { userId: p.userId, accountId: p.accountId };
};

export const alertRoutes: readonly RouteDef[] = [
  route({
    method: 'GET',
    path: '/api/v1/alerts',
    summary: 'Your alerts, watching or fired.',
    tag: 'alerts',
    auth: 'read',
    response: UserAlertList,
    handler: (ctx) => ({ items: alerts(ctx).list(caller(ctx).userId) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/alerts',
    created: true,
    summary:
      'Create an alert: price crossing a level, a move within a window, a spread or volume threshold, your order filled, a market about to close or settled. It fires once, on the channels given.',
    tag: 'alerts',
    auth: 'read',
    body: UserAlertBody,
    response: UserAlertView,
    handler: (ctx) => {
      const view = answer(() => alerts(ctx).create(owner(ctx), ctx.body));
      ctx.status = 201;
      return view;
    },
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/alerts/:alertId',
    summary: 'Delete an alert (deliveries still pending for it are dropped).',
    tag: 'alerts',
    auth: 'read',
    handler: (ctx) => {
      const id = idParam(ctx, 'alertId', 'NOT_FOUND');
      answer(() => alerts(ctx).remove(caller(ctx).userId, id));
      return { deleted: id };
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/alerts/import',
    summary:
      'Import the price alerts a browser kept locally before alerts moved to the server; each browser id is imported once.',
    tag: 'alerts',
    auth: 'read',
    body: AlertImportBody,
    response: AlertImportResponse,
    handler: (ctx) => answer(() => alerts(ctx).importLocal(owner(ctx), ctx.body)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/alerts/notifications',
    summary:
      'Alerts that fired, newest first (also sent live on the `notifications` socket channel).',
    tag: 'alerts',
    auth: 'read',
    query: AlertListQuery,
    response: AlertNotificationList,
    handler: (ctx) => ({ items: alerts(ctx).notifications(caller(ctx).userId, ctx.query.limit) }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/alerts/deliveries',
    summary:
      'The delivery log: every attempt on every channel (e-mail, webhook, push), newest first.',
    tag: 'alerts',
    auth: 'read',
    query: AlertListQuery,
    response: AlertDeliveryLog,
    handler: (ctx) => ({ items: alerts(ctx).deliveries(caller(ctx).userId, ctx.query.limit) }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/alerts/settings',
    summary: 'Where your alerts are delivered: e-mail address, webhook URL and its signing secret.',
    tag: 'alerts',
    auth: 'read',
    response: AlertSettings,
    handler: (ctx) => alerts(ctx).settings(caller(ctx).userId),
  }),
  route({
    method: 'PUT',
    path: '/api/v1/alerts/settings',
    summary:
      'Set the e-mail address and webhook URL (a signing secret is made with the first URL).',
    tag: 'alerts',
    auth: 'read',
    body: AlertSettingsBody,
    response: AlertSettings,
    handler: (ctx) => answer(() => alerts(ctx).saveSettings(caller(ctx).userId, ctx.body)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/alerts/push-key',
    summary: "The server's VAPID public key, for PushManager.subscribe.",
    tag: 'alerts',
    auth: 'read',
    response: PushKey,
    handler: (ctx) => ({ publicKey: alerts(ctx).pushKey() }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/alerts/push-subscriptions',
    summary: "Deliver alerts with a push channel to this browser's push subscription.",
    tag: 'alerts',
    auth: 'read',
    body: PushSubscriptionBody,
    handler: (ctx) => {
      answer(() => alerts(ctx).subscribePush(caller(ctx).userId, ctx.body));
      return { subscribed: true };
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/alerts/push-subscriptions/remove',
    summary: 'Stop pushing to a subscription.',
    tag: 'alerts',
    auth: 'read',
    body: PushUnsubscribeBody,
    handler: (ctx) => {
      answer(() => alerts(ctx).unsubscribePush(caller(ctx).userId, ctx.body.endpoint));
      return { subscribed: false };
    },
  }),
];
