// Alerts live on the server (`/api/v1/alerts`, docs/api.md): they fire with no tab open and reach
// the person in-app, by push, e-mail or webhook. This module holds the calls the alerts screen makes,
// the one-time import of the alerts this browser kept in localStorage before, and the Web Push
// subscription of this browser.

import type {
  AlertDeliveryLog,
  AlertNotification,
  AlertSettings,
  UserAlertBody,
  UserAlertView,
} from '@bourse/protocol';
import { api } from '../api/http.ts';

export type { AlertNotification, AlertSettings, UserAlertBody, UserAlertView };
export type DeliveryLogEntry = AlertDeliveryLog['items'][number];

/** Where alerts lived before the server kept them (decision 0704). */
export const LEGACY_KEY = 'bourse.alerts.v1';

export const listAlerts = () =>
  api<{ items: UserAlertView[] }>('GET', '/api/v1/alerts').then((r) => r.items);
export const createAlert = (body: UserAlertBody) =>
  api<UserAlertView>('POST', '/api/v1/alerts', body);
export const deleteAlert = (id: number) => api('DELETE', `/api/v1/alerts/${id}`);
export const listNotifications = () =>
  api<{ items: AlertNotification[] }>('GET', '/api/v1/alerts/notifications').then((r) => r.items);
export const deliveryLog = () =>
  api<AlertDeliveryLog>('GET', '/api/v1/alerts/deliveries', undefined, { limit: 50 }).then(
    (r) => r.items,
  );
export const alertSettings = () => api<AlertSettings>('GET', '/api/v1/alerts/settings');
export const saveAlertSettings = (body: {
  email: string | null;
  webhookUrl: string | null;
  rotateSecret?: boolean;
}) => api<AlertSettings>('PUT', '/api/v1/alerts/settings', body);

interface LegacyAlert {
  readonly id: string;
  readonly market: string;
  readonly direction: 'above' | 'below';
  readonly priceTicks: number;
  readonly firedAt: number | null;
}

function isLegacy(a: unknown): a is LegacyAlert {
  const x = a as LegacyAlert;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.id === 'string' &&
    typeof x.market === 'string' &&
    (x.direction === 'above' || x.direction === 'below') &&
    Number.isSafeInteger(x.priceTicks) &&
    x.priceTicks > 0
  );
}

/**
 * Sends the alerts this browser kept locally to the server, once: the key is removed when the server
 * has them (it also skips an id it imported before, so a second tab's import adds nothing).
 */
export async function importLegacyAlerts(): Promise<number> {
  let raw: string | null;
  try {
    raw = localStorage.getItem(LEGACY_KEY);
  } catch {
    return 0;
  }
  if (raw === null) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = [];
  }
  const items = (Array.isArray(parsed) ? parsed : []).filter(isLegacy).map((a) => ({
    id: a.id.slice(0, 64),
    market: a.market,
    direction: a.direction,
    priceTicks: a.priceTicks,
    firedAt: a.firedAt ?? null,
  }));
  const answer =
    items.length === 0
      ? { imported: 0 }
      : await api<{ imported: number }>('POST', '/api/v1/alerts/import', { items });
  localStorage.removeItem(LEGACY_KEY);
  return answer.imported;
}

/** VAPID keys travel base64url; PushManager wants the bytes. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replaceAll('-', '+').replaceAll('_', '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Asks for permission, subscribes this browser to push with the server's key, and registers it. */
export async function enablePush(): Promise<void> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window))
    throw new Error('This browser does not support push notifications.');
  if ((await Notification.requestPermission()) !== 'granted')
    throw new Error('Notifications are not allowed for this site.');
  const registration = await navigator.serviceWorker.ready;
  const { publicKey } = await api<{ publicKey: string }>('GET', '/api/v1/alerts/push-key');
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: keyBytes(publicKey),
  });
  const json = subscription.toJSON();
  await api('POST', '/api/v1/alerts/push-subscriptions', {
    endpoint: json.endpoint,
    keys: json.keys,
  });
}
