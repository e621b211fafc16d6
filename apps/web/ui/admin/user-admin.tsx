// Users for admins: list with role changes and disable/enable, create with a password, and deposits or
// withdrawals to a user's account in major units of any asset.

import { type FormEvent, useState } from 'react';
import {
  NAME_CHARACTERS,
  NAME_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from '@bourse/protocol/names';
import { api, errorText } from '../api/http.ts';
import type { UserView } from '../api/types.ts';
import { parseDecimal } from '../format/units.ts';
import { useApp } from '../state/app-state.tsx';
import { useApi } from '../state/use-api.ts';

const ROLES = ['trader', 'market-maker', 'viewer', 'admin'] as const;

export function UserAdmin() {
  const { confirm, toast, assets } = useApp();
  const users = useApi(() => api<{ items: UserView[] }>('GET', '/api/v1/admin/users'), []);
  const [nu, setNu] = useState({ username: '', password: '', role: 'trader' });
  const [mv, setMv] = useState({ userId: '', asset: 'USD', amount: '', kind: 'deposit' });
  const [error, setError] = useState<string | undefined>();
  const patch = async (u: UserView, body: Record<string, unknown>, what: string) => {
    if (!(await confirm(`${what}?`, `User ${u.username}.`, what))) return;
    try {
      await api('PATCH', `/api/v1/admin/users/${u.userId}`, body);
      users.reload();
    } catch (err) {
      toast('error', errorText(err));
    }
  };
  /** An admin's reset: a new password the admin passes on; the user's web sessions end. */
  const reset = async (u: UserView) => {
    const password = window.prompt(`New password for ${u.username} (at least 8 characters)`);
    if (password === null) return;
    if (password.length < 8) return toast('error', 'A password needs at least 8 characters.');
    try {
      await api('PATCH', `/api/v1/admin/users/${u.userId}`, { password });
      toast('success', `Password of ${u.username} reset; their web sessions ended`);
    } catch (err) {
      toast('error', errorText(err));
    }
  };
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      // Every user gets a password: without one they could never log in (the API refuses too).
      const body = { username: nu.username, role: nu.role, password: nu.password };
      await api('POST', '/api/v1/admin/users', body);
      toast('success', `User ${nu.username} created`);
      setNu({ username: '', password: '', role: 'trader' });
      users.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const move = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const asset = assets.find((a) => a.code === mv.asset);
    const user = users.data?.items.find((u) => String(u.userId) === mv.userId);
    if (asset === undefined || user === undefined) return setError('Choose a user and an asset.');
    const amount = parseDecimal(mv.amount, Math.round(Math.log10(asset.scale)));
    if (amount === undefined || amount === 0) return setError('Enter a positive amount.');
    const verb = mv.kind === 'deposit' ? 'Deposit' : 'Withdraw';
    if (
      !(await confirm(`${verb} ${mv.amount} ${asset.code}?`, `${verb} for ${user.username}.`, verb))
    )
      return;
    try {
      await api('POST', `/api/v1/admin/${mv.kind === 'deposit' ? 'deposits' : 'withdrawals'}`, {
        userId: user.userId,
        asset: asset.code,
        amount,
      });
      toast('success', `${verb} of ${mv.amount} ${asset.code} for ${user.username} done`);
      setMv((x) => ({ ...x, amount: '' }));
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div className="card">
      <h2>Users</h2>
      {users.error && <p className="error">{users.error}</p>}
      <div className="scroll-x">
        <table className="compact" data-testid="admin-users">
          <thead>
            <tr>
              <th>User</th>
              <th>Role</th>
              <th className="hide-sm">Account</th>
              <th>State</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(users.data?.items ?? []).map((u) => (
              <tr key={u.userId}>
                <td>{u.username}</td>
                <td>
                  <label>
                    <span className="sr-only">Role of {u.username}</span>
                    <select
                      value={u.role}
                      onChange={(e) =>
                        void patch(u, { role: e.target.value }, `Make ${e.target.value}`)
                      }
                    >
                      {ROLES.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  </label>
                </td>
                <td className="hide-sm">{u.accountId}</td>
                <td>{u.disabled ? 'disabled' : 'active'}</td>
                <td className="actions">
                  <button
                    type="button"
                    className={`small ${u.disabled ? '' : 'danger'}`}
                    onClick={() =>
                      void patch(
                        u,
                        { disabled: !u.disabled },
                        u.disabled ? 'Enable user' : 'Disable user',
                      )
                    }
                  >
                    {u.disabled ? 'Enable' : 'Disable'}
                  </button>
                  <button type="button" className="small" onClick={() => void reset(u)}>
                    Reset password
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="row wrap" onSubmit={create} aria-label="Create user">
        <label>
          Username
          <input
            name="new-username"
            value={nu.username}
            onChange={(e) => setNu({ ...nu, username: e.target.value })}
            pattern={`${NAME_CHARACTERS}+`}
            maxLength={NAME_MAX_LENGTH}
            required
          />
        </label>
        <label>
          Password
          <input
            name="new-password"
            type="password"
            autoComplete="new-password"
            minLength={PASSWORD_MIN_LENGTH}
            maxLength={PASSWORD_MAX_LENGTH}
            required
            value={nu.password}
            onChange={(e) => setNu({ ...nu, password: e.target.value })}
          />
        </label>
        <label>
          Role
          <select value={nu.role} onChange={(e) => setNu({ ...nu, role: e.target.value })}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit">Create user</button>
      </form>
      <h3>Deposits and withdrawals</h3>
      <form className="row wrap" onSubmit={move} aria-label="Move money">
        <label>
          User
          <select
            name="money-user"
            value={mv.userId}
            onChange={(e) => setMv({ ...mv, userId: e.target.value })}
            required
          >
            <option value="">Choose…</option>
            {(users.data?.items ?? []).map((u) => (
              <option key={u.userId} value={u.userId}>
                {u.username}
              </option>
            ))}
          </select>
        </label>
        <label>
          Asset
          <select value={mv.asset} onChange={(e) => setMv({ ...mv, asset: e.target.value })}>
            {assets.map((a) => (
              <option key={a.assetId}>{a.code}</option>
            ))}
          </select>
        </label>
        <label>
          Amount
          <input
            name="money-amount"
            inputMode="decimal"
            value={mv.amount}
            onChange={(e) => setMv({ ...mv, amount: e.target.value })}
            required
          />
        </label>
        <label>
          <span className="sr-only">Direction</span>
          <select value={mv.kind} onChange={(e) => setMv({ ...mv, kind: e.target.value })}>
            <option value="deposit">Deposit</option>
            <option value="withdraw">Withdraw</option>
          </select>
        </label>
        <button type="submit">Submit</button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
