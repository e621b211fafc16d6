// Account controls for surveillance: the kill switch (freeze an account: its orders are cancelled and
// new ones refused; unfreeze it) and beneficial-owner links (accounts the wash-trade detector treats
// as one owner).

import { type FormEvent, useState } from 'react';
import { api, errorText } from '../api/http.ts';
import { useApp } from '../state/app-state.tsx';
import { useApi } from '../state/use-api.ts';

interface OwnerLink {
  accountId: number;
  owner: string;
  linkedBy: string;
}

function accountIds(text: string): number[] {
  return text
    .split(/[\s,]+/)
    .filter((x) => x !== '')
    .map(Number);
}

export function FreezeAccount() {
  const { toast } = useApp();
  const [account, setAccount] = useState('');
  const [error, setError] = useState<string | undefined>();
  const send = async (frozen: boolean) => {
    try {
      const r = await api<{ cancelledOrders: number }>(
        'PUT',
        `/api/v1/admin/accounts/${encodeURIComponent(account.trim())}/frozen`,
        { frozen },
      );
      setError(undefined);
      toast(
        'info',
        frozen
          ? `Account ${account} frozen; ${r.cancelledOrders} orders cancelled`
          : `Account ${account} unfrozen`,
      );
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form className="card" aria-label="Kill switch" onSubmit={(e) => e.preventDefault()}>
      <h2>Kill switch</h2>
      <p className="muted small">A frozen account's orders are cancelled and new ones refused.</p>
      <label>
        Account
        <input
          name="freeze-account"
          inputMode="numeric"
          value={account}
          onChange={(e) => setAccount(e.target.value)}
        />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="button" className="danger" onClick={() => void send(true)}>
          Freeze
        </button>
        <button type="button" onClick={() => void send(false)}>
          Unfreeze
        </button>
      </div>
    </form>
  );
}

export function OwnerLinks() {
  const links = useApi(
    () => api<{ items: OwnerLink[] }>('GET', '/api/v1/admin/surveillance/owners'),
    [],
  );
  const [accounts, setAccounts] = useState('');
  const [owner, setOwner] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const body = { accountIds: accountIds(accounts), ...(owner === '' ? {} : { owner }) };
      await api('PUT', '/api/v1/admin/surveillance/owners', body);
      setError(undefined);
      links.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form className="card" aria-label="Beneficial owners" onSubmit={(e) => void submit(e)}>
      <h2>Beneficial owners</h2>
      <p className="muted small">Linked accounts trading with each other are wash trades.</p>
      <label>
        Accounts (comma separated)
        <input
          name="owner-accounts"
          value={accounts}
          onChange={(e) => setAccounts(e.target.value)}
        />
      </label>
      <label>
        Owner name (optional)
        <input name="owner-name" value={owner} onChange={(e) => setOwner(e.target.value)} />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit">Link</button>
      <ul className="small">
        {(links.data?.items ?? []).map((l) => (
          <li key={l.accountId}>
            account {l.accountId}: {l.owner} (by {l.linkedBy})
          </li>
        ))}
      </ul>
    </form>
  );
}
