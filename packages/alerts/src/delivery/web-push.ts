// Web Push (RFC 8030/8291/8292 through `web-push`): the server's VAPID key pair is made once and kept
// in the data directory; a notification goes encrypted to each subscription's push service, and a
// subscription the service says is gone (404/410) is forgotten.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Agent } from 'node:https';
import webpush from 'web-push';
import type { AlertStore } from '../alert-store.ts';
import type { Sender } from './dispatcher.ts';
import { notificationPayload } from './payload.ts';

export interface VapidKeys {
  readonly publicKey: string;
  readonly privateKey: string;
}

/** The data directory's VAPID keys, made on first use (0600: the private key signs every push). */
export function loadVapidKeys(path: string): VapidKeys {
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as VapidKeys;
  const keys = webpush.generateVAPIDKeys();
  writeFileSync(path, JSON.stringify(keys), { mode: 0o600, flag: 'wx' });
  return keys;
}

export function pushSender(
  store: AlertStore,
  keys: VapidKeys,
  options: { subject: string; agent?: Agent },
): Sender {
  return async (d, n) => {
    const sub = store.pushSubscription(d.target);
    if (sub === undefined) return { ok: false, detail: 'subscription removed', final: true };
    const payload = notificationPayload(n);
    try {
      const res = await webpush.sendNotification(
        { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
        JSON.stringify({
          title: 'Bourse alert',
          body: payload.text,
          tag: payload.id,
          data: payload,
        }),
        {
          vapidDetails: { subject: options.subject, ...keys },
          TTL: 24 * 3_600,
          timeout: 10_000,
          ...(options.agent === undefined ? {} : { agent: options.agent }),
        },
      );
      return { ok: true, detail: `HTTP ${res.statusCode}` };
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) {
        store.removePushSubscription(d.userId, sub.endpoint);
        return { ok: false, detail: `HTTP ${status}: subscription gone`, final: true };
      }
      return {
        ok: false,
        detail: status === undefined ? String((error as Error).message) : `HTTP ${status}`,
      };
    }
  };
}
