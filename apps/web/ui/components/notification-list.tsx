// The header's bell: every fill and error of this tab and every alert of the user that fired (kept on
// the server, so they are here after a reload), newest first, after its toast is gone.

import { useEffect, useMemo, useRef, useState } from 'react';
import { time } from '../format/units.ts';
import { useApp } from '../state/app-state.tsx';

export function NotificationList() {
  const { notifications: tab, alertNotifications } = useApp();
  const notifications = useMemo(
    () =>
      [
        ...tab.map((n) => ({ key: `t${n.id}`, kind: n.kind, text: n.text, ts: n.ts })),
        ...alertNotifications.map((n) => ({
          key: `a${n.alertId}`,
          kind: 'alert' as const,
          text: n.text,
          ts: n.ts,
        })),
      ].sort((a, b) => b.ts - a.ts),
    [tab, alertNotifications],
  );
  const [open, setOpen] = useState(false);
  const [seen, setSeen] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const unseen = notifications.length - seen;
  useEffect(() => {
    if (!open) return;
    setSeen(notifications.length);
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (
        e instanceof KeyboardEvent ? e.key === 'Escape' : !box.current?.contains(e.target as Node)
      )
        setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open, notifications.length]);
  return (
    <div className="notify" ref={box}>
      <button
        type="button"
        className="small"
        aria-expanded={open}
        aria-controls="notification-list"
        onClick={() => setOpen((o) => !o)}
      >
        Notifications{unseen > 0 ? ` (${unseen})` : ''}
      </button>
      {open && (
        <ol id="notification-list" className="notify-list" aria-label="Notifications">
          {notifications.length === 0 && <li className="muted">Nothing yet.</li>}
          {notifications.map((n) => (
            <li key={n.key} className={n.kind}>
              <span className="muted small">{time(n.ts)}</span> {n.text}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
