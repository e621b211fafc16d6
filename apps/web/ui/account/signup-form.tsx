// Self sign-up, shown beside the login form only when the operator switched it on: a username and a
// password (twice); the role is the operator's policy. A new account is logged in at once.

import { type FormEvent, useEffect, useState } from 'react';
import {
  NAME_CHARACTERS,
  NAME_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from '@bourse/protocol/names';
import { api, errorText } from '../api/http.ts';
import { useApp } from '../state/app-state.tsx';

export function SignupForm() {
  const { login } = useApp();
  const [enabled, setEnabled] = useState(false);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api<{ enabled: boolean }>('GET', '/api/v1/auth/signup').then(
      (r) => setEnabled(r.enabled),
      () => setEnabled(false),
    );
  }, []);
  if (!enabled) return null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== again) return setError('The password and its repetition differ.');
    try {
      await api('POST', '/api/v1/auth/signup', { username, password });
      await login(username, password);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Create an account">
      <h2>New here?</h2>
      <label>
        Choose a username
        <input
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          pattern={`${NAME_CHARACTERS}+`}
          maxLength={NAME_MAX_LENGTH}
          required
        />
      </label>
      <label>
        Choose a password
        <input
          type="password"
          autoComplete="new-password"
          minLength={PASSWORD_MIN_LENGTH}
          maxLength={PASSWORD_MAX_LENGTH}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      <label>
        Repeat the password
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
      <button type="submit" className="primary">
        Create account
      </button>
    </form>
  );
}
