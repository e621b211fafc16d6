// The in-app channel of server-side alerts: what fired is loaded from the server when someone logs in,
// and each new firing arrives on the private `notifications` socket channel and is toasted once. Kept
// by alert id, so the list shows each firing once however it arrived. The list loads again each time
// a connection confirms the channel (the socket subscribes again after every reconnect): an alert
// that fired after a load but before the server subscribed this socket reaches no update, and a load
// that starts after the confirmation sees it (as the account screens, decision 0961).

import { useEffect, useState } from 'react';
import type { LiveSocket, WireMessage } from '../api/live-socket.ts';
import type { Me } from '../api/types.ts';
import { type AlertNotification, importLegacyAlerts, listNotifications } from './alerts.ts';

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
    const load = () =>
      listNotifications().then(
        (list) => live && setItems((cur) => merge(cur, list)),
        () => {},
      );
    load();
    const offConfirmed = socket.onSubscribed('notifications', undefined, load);
    const off = socket.onMessage((m: WireMessage) => {
      if (m.channel !== 'notifications' || m.type !== 'update') return;
      const fresh = m.items as AlertNotification[];
      for (const n of fresh) toast(n.text);
      setItems((cur) => merge(cur, fresh));
    });
    const release = socket.subscribe('notifications');
    return () => {
      live = false;
      offConfirmed();
      off();
      release();
    };
  }, [userId, socket, toast]);
  return items;
}
