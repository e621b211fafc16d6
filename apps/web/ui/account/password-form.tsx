// Changing your own password: the current one (so a borrowed session cannot take the account), the new
// one twice. The server ends your other web sessions; this one stays.

import { type FormEvent, useState } from 'react';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@bourse/protocol/names';
import { api, errorText } from '../api/http.ts';

export function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(undefined);
    if (next !== again) return setError('The new password and its repetition differ.');
    if (next.length < PASSWORD_MIN_LENGTH) {
      return setError(`The new password needs at least ${PASSWORD_MIN_LENGTH} characters.`);
    }
    try {
      const r = await api<{ sessionsEnded: number }>('POST', '/api/v1/account/password', {
        currentPassword: current,
        newPassword: next,
      });
      setError(undefined);
      setCurrent('');
      setNext('');
      setAgain('');
      setDone(
        r.sessionsEnded === 0
          ? 'Password changed.'
          : `Password changed; ${r.sessionsEnded} other session${r.sessionsEnded === 1 ? '' : 's'} signed out.`,
      );
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Change password">
      <h2>Password</h2>
      <label>
        Current password
        <input
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          required
        />
      </label>
      <label>
        New password
        <input
          type="password"
          autoComplete="new-password"
          minLength={PASSWORD_MIN_LENGTH}
          maxLength={PASSWORD_MAX_LENGTH}
          value={next}
          onChange={(e) => setNext(e.target.value)}
          required
        />
      </label>
      <label>
        Repeat the new password
        <input
          type="password"
          autoComplete="new-password"
          value={again}
          onChange={(e) => setAgain(e.target.value)}
          required
        />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {done && <p role="status">{done}</p>}
      <button type="submit" className="primary">
        Change password
      </button>
    </form>
  );
}
