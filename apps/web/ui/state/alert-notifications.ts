// The in-app channel of server-side alerts: what fired is loaded from the server when someone logs in
// (and after an outage), and each new firing arrives on the private `notifications` socket channel
// and is toasted once. Kept by alert id, so the list shows each firing once however it arrived.

import { useEffect, useState } from 'react';
import type { LiveSocket, WireMessage } from '../api/live-socket.ts';
import type { Me } from '../api/types.ts';
import { type AlertNotification, importLegacyAlerts, listNotifications } from './alerts.ts';
import { useLiveness } from './liveness.ts';

const KEPT = 100;

function merge(
  current: readonly AlertNotification[],
  more: readonly AlertNotification[],
): AlertNotification[] {
  const byId = new Map(current.map((n) => [n.alertId, n]));
  for (const n of more) byId.set(n.alertId, n);
  return [...byId.values()].sort((a, b) => b.ts - a.ts || b.alertId - a.alertId).slice(0, KEPT);
}

export function useAlertNotifications(
  socket: LiveSocket,
  me: Me | null | undefined,
  toast: (text: string) => void,
): readonly AlertNotification[] {
  const [items, setItems] = useState<readonly AlertNotification[]>([]);
  const { reconnects } = useLiveness();
  const userId = me?.userId;

  // Alerts this browser kept before the server did are sent once, at the first login.
  useEffect(() => {
    if (userId === undefined) return;
    importLegacyAlerts().catch(() => {});
  }, [userId]);

  useEffect(() => {
    if (userId === undefined) {
      setItems([]);
      return;
    }
    let live = true;
    listNotifications().then(
      (list) => live && setItems((cur) => merge(cur, list)),
      () => {},
    );
    const release = socket.subscribe('notifications');
    const off = socket.onMessage((m: WireMessage) => {
      if (m.channel !== 'notifications' || m.type !== 'update') return;
      const fresh = m.items as AlertNotification[];
      for (const n of fresh) toast(n.text);
      setItems((cur) => merge(cur, fresh));
    });
    return () => {
      live = false;
      off();
      release();
    };
  }, [userId, socket, toast, reconnects]);
  return items;
}
