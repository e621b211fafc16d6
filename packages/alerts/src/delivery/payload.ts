// The one shape of a fired alert outside the server: the in-app socket, the REST list, webhooks and
// push messages all carry it.

import type { NotificationRow } from '../alert-store.ts';

export interface NotificationPayload {
  readonly id: string;
  readonly alertId: number;
  readonly kind: string;
  readonly market: string | null;
  readonly text: string;
  readonly seq: number;
  readonly ts: number;
  readonly detail: NotificationRow['detail'];
}

export function notificationPayload(n: NotificationRow): NotificationPayload {
  const market = n.detail.market;
  return {
    id: `alert-${n.alertId}`,
    alertId: n.alertId,
    kind: n.kind,
    market: typeof market === 'string' ? market : null,
    text: n.text,
    seq: n.seq,
    ts: n.ts,
    detail: n.detail,
  };
}
