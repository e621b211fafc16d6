// The user's web sessions: where each was signed in from, when, when it was last used and when it
// expires, with this browser's marked. Any other can be signed out (its cookie stops working and its
// live connection closes at once), or all of them together; signing out this one is logging out.

import { useState } from 'react';
import { api, errorText } from '../api/http.ts';
import type { SessionView } from '../api/types.ts';
import { dateTime } from '../format/units.ts';
import { deviceName, ipAddress } from '../format/user-agent.ts';
import { useApp } from '../state/app-state.tsx';
import { useApi } from '../state/use-api.ts';

const SESSIONS = '/api/v1/auth/sessions';

const when = (ts: number | null) => (ts === null ? '—' : dateTime(ts));

/** "Chrome 131 on Linux (10.0.0.7)": how a session is named in labels and confirmations. */
function sessionName(s: SessionView): string {
  const ip = ipAddress(s.ip);
  return ip === '—' ? deviceName(s.userAgent) : `${deviceName(s.userAgent)} (${ip})`;
}

export function SessionList() {
  const { confirm, toast, logout } = useApp();
  const sessions = useApi(() => api<{ items: SessionView[] }>('GET', SESSIONS), []);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const all = sessions.data?.items ?? [];
  // This browser's first, then the others newest first (the server's order).
  const items = [...all.filter((s) => s.current), ...all.filter((s) => !s.current)];
  const others = all.filter((s) => !s.current).length;

  /** Runs a sign-out; any failure is shown in the card, and the list is reloaded either way. */
  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setError(undefined);
    try {
      toast('info', await action());
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
      sessions.reload();
    }
  };

  const signOut = async (s: SessionView) => {
    if (s.current) {
      const ok = await confirm(
        'Sign out this device?',
        'This browser’s session ends now and you will need to log in again here.',
        'Sign out',
      );
      if (ok) await logout();
      return;
    }
    const ok = await confirm(
      'Sign out session?',
      `${sessionName(s)} is signed out at once and will need to log in again.`,
      'Sign out',
    );
    if (!ok) return;
    await run(async () => {
      await api('DELETE', `${SESSIONS}/${encodeURIComponent(s.sessionId)}`);
      return `Signed out ${deviceName(s.userAgent)}`;
    });
  };

  const signOutOthers = async () => {
    const ok = await confirm(
      'Sign out all other sessions?',
      `${others === 1 ? 'The other session is' : `All ${others} other sessions are`} signed out at once. This browser stays logged in.`,
      'Sign out all',
    );
    if (!ok) return;
    await run(async () => {
      const r = await api<{ revoked: number }>('DELETE', SESSIONS);
      return `Signed out ${r.revoked} other session${r.revoked === 1 ? '' : 's'}`;
    });
  };

  return (
    <section className="card" aria-labelledby="sessions-title">
      <div className="card-head">
        <h2 id="sessions-title">Sessions</h2>
        {others > 0 && (
          <button
            type="button"
            className="small danger"
            disabled={busy}
            onClick={() => void signOutOthers()}
          >
            Sign out all other sessions
          </button>
        )}
      </div>
      <p className="muted">
        Browsers logged in to your account. Sign out any you do not recognise; API keys are not
        affected.
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {sessions.error && (
        <p className="error" role="alert">
          Could not load your sessions: {sessions.error}
        </p>
      )}
      {sessions.data === undefined ? (
        sessions.loading && <p className="muted">Loading…</p>
      ) : (
        <div className="scroll-x">
          <table className="compact" data-testid="sessions">
            <caption className="sr-only">Your web sessions</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">IP address</th>
                <th scope="col" className="hide-sm">
                  Signed in
                </th>
                <th scope="col">Last seen</th>
                <th scope="col" className="hide-sm">
                  Expires
                </th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr
                  key={s.sessionId}
                  data-session-id={s.sessionId}
                  aria-current={s.current ? 'true' : undefined}
                >
                  <td>
                    <span title={s.userAgent ?? undefined}>{deviceName(s.userAgent)}</span>
                    {s.current && <span className="pill current">This device</span>}
                  </td>
                  <td>{ipAddress(s.ip)}</td>
                  <td className="hide-sm">{when(s.createdAt)}</td>
                  <td>{when(s.lastSeenAt)}</td>
                  <td className="hide-sm">{when(s.expiresAt)}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="small danger"
                      disabled={busy}
                      aria-label={s.current ? 'Sign out this device' : `Sign out ${sessionName(s)}`}
                      onClick={() => void signOut(s)}
                    >
                      Sign out
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
