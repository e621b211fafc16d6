// Signed webhooks: an alert's notification POSTed as JSON to the user's URL with
// `Bourse-Signature: t=<ms since the epoch>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the user's
// secret>`, so a receiver checks both who sent it and when (a replayed delivery is too old), and
// `Bourse-Delivery: alert-<id>`, the same for every retry, so a receiver can ignore a repeat.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AlertStore } from '../alert-store.ts';
import type { Sender } from './dispatcher.ts';
import { notificationPayload } from './payload.ts';

export const SIGNATURE_HEADER = 'bourse-signature';
export const DELIVERY_HEADER = 'bourse-delivery';

export function signWebhook(secret: string, timestampMs: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampMs}.${body}`).digest('hex');
  return `t=${timestampMs},v1=${mac}`;
}

/** True when `header` signs `body` under `secret` and its time is within `toleranceMs` of `now`. */
export function verifyWebhook(
  secret: string,
  header: string | undefined,
  body: string,
  now: number,
  toleranceMs = 5 * 60_000,
): boolean {
  const m = /^t=(\d{1,16}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (m === null) return false;
  const t = Number(m[1]);
  if (Math.abs(now - t) > toleranceMs) return false;
  const want = Buffer.from(signWebhook(secret, t, body).slice(-64), 'hex');
  return timingSafeEqual(want, Buffer.from(m[2]!, 'hex'));
}

/** How long a receiver has to answer before the attempt counts as failed. */
const WEBHOOK_TIMEOUT_MS = 10_000;

export function webhookSender(store: AlertStore, clock: () => number): Sender {
  return async (d, n) => {
    const secret = store.settings(d.userId).webhookSecret;
    if (secret === null) return { ok: false, detail: 'no webhook secret', final: true };
    const body = JSON.stringify(notificationPayload(n));
    const res = await fetch(d.target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signWebhook(secret, clock(), body),
        [DELIVERY_HEADER]: `alert-${n.alertId}`,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await res.arrayBuffer().catch(() => undefined);
    return { ok: res.status >= 200 && res.status < 300, detail: `HTTP ${res.status}` };
  };
}
