// The user's account: identity and role, this browser session and every other one (sign out any), a
// password change, and
// API keys — generate one (the private key is shown exactly once), register an existing public key, or
// revoke with confirmation.

import { type FormEvent, useState } from 'react';
import { PasswordForm } from '../account/password-form.tsx';
import { SessionList } from '../account/session-list.tsx';
import { api, errorText } from '../api/http.ts';
import type { ApiKeyView } from '../api/types.ts';
import { dateTime } from '../format/units.ts';
import { useApp } from '../state/app-state.tsx';
import { useApi } from '../state/use-api.ts';

export function AccountPage() {
  const { me, confirm, toast, logout } = useApp();
  const keys = useApi(() => api<{ items: ApiKeyView[] }>('GET', '/api/v1/account/api-keys'), []);
  const [label, setLabel] = useState('');
  const [scopes, setScopes] = useState<Record<string, boolean>>({ read: true, trade: true });
  const [publicKey, setPublicKey] = useState('');
  const [created, setCreated] = useState<ApiKeyView | undefined>();
  const [error, setError] = useState<string | undefined>();
  if (!me) return null;
  const allowed = me.scopes.filter((s) => s !== 'admin');
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const chosen = allowed.filter((s) => scopes[s]);
    if (chosen.length === 0) return setError('Choose at least one scope.');
    try {
      const body: Record<string, unknown> = { label, scopes: chosen };
      if (publicKey.trim() === '') body.generate = true;
      else body.publicKeyPem = publicKey.trim();
      const k = await api<ApiKeyView>('POST', '/api/v1/account/api-keys', body);
      setCreated(k);
      setLabel('');
      setPublicKey('');
      keys.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const revoke = async (k: ApiKeyView) => {
    if (
      !(await confirm('Revoke API key?', `${k.label || k.keyId} stops working at once.`, 'Revoke'))
    )
      return;
    try {
      await api('DELETE', `/api/v1/account/api-keys/${encodeURIComponent(k.keyId)}`);
      keys.reload();
      toast('info', 'Key revoked');
    } catch (err) {
      toast('error', errorText(err));
    }
  };
  return (
    <section className="account">
      <h1>Account</h1>
      <div className="two">
        <div className="card">
          <h2>You</h2>
          <dl className="summary">
            <dt>Username</dt>
            <dd>{me.username}</dd>
            <dt>Role</dt>
            <dd>{me.role}</dd>
            <dt>Account id</dt>
            <dd>{me.accountId}</dd>
            <dt>Permissions</dt>
            <dd>{me.scopes.join(', ')}</dd>
          </dl>
        </div>
        <div className="card">
          <h2>Session</h2>
          <p>
            This browser is logged in with a session cookie that expires 12 hours after login.
            Logging out ends it on the server. Your other sessions are listed below.
          </p>
          <button type="button" onClick={() => void logout()}>
            Log out of this browser
          </button>
        </div>
        <PasswordForm />
      </div>
      <SessionList />
      <div className="card">
        <h2>API keys</h2>
        {created?.privateKeyPem && (
          <div className="secret" role="alert">
            <p>
              <strong>Copy your private key now.</strong> It is shown only this once and is not
              stored on the server. Key id: <code data-testid="new-key-id">{created.keyId}</code>
            </p>
            <textarea readOnly rows={8} value={created.privateKeyPem} aria-label="Private key" />
            <div className="row">
              <button
                type="button"
                onClick={() => void navigator.clipboard?.writeText(created.privateKeyPem ?? '')}
              >
                Copy
              </button>
              <button type="button" onClick={() => setCreated(undefined)}>
                I have saved it
              </button>
            </div>
          </div>
        )}
        <form className="row wrap" onSubmit={create} aria-label="New API key">
          <label>
            Label
            <input value={label} onChange={(e) => setLabel(e.target.value)} maxLength={100} />
          </label>
          {allowed.map((s) => (
            <label key={s} className="check">
              <input
                type="checkbox"
                checked={scopes[s] === true}
                onChange={(e) => setScopes((x) => ({ ...x, [s]: e.target.checked }))}
              />
              {s}
            </label>
          ))}
          <label className="grow">
            Public key (optional, SPKI PEM; leave empty to generate a key pair)
            <textarea rows={2} value={publicKey} onChange={(e) => setPublicKey(e.target.value)} />
          </label>
          <button type="submit" className="primary">
            Create key
          </button>
        </form>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {keys.error && <p className="error">{keys.error}</p>}
        <div className="scroll-x">
          <table className="compact" data-testid="api-keys">
            <thead>
              <tr>
                <th>Label</th>
                <th>Key id</th>
                <th>Scopes</th>
                <th className="hide-sm">Created</th>
                <th>State</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(keys.data?.items ?? []).map((k) => (
                <tr key={k.keyId}>
                  <td>{k.label || '—'}</td>
                  <td>
                    <code>{k.keyId}</code>
                  </td>
                  <td>{k.scopes.join(', ')}</td>
                  <td className="hide-sm">{dateTime(k.createdAt)}</td>
                  <td>{k.revokedAt === null ? 'active' : `revoked ${dateTime(k.revokedAt)}`}</td>
                  <td className="actions">
                    {k.revokedAt === null && (
                      <button type="button" className="small danger" onClick={() => void revoke(k)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
