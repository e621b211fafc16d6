// Where alerts go besides the app: an e-mail address, a webhook URL (with the secret its signatures
// are made with) and this browser's push subscription; and the log of every delivery attempt.

import { type FormEvent, useEffect, useState } from 'react';
import { errorText } from '../api/http.ts';
import { dateTime } from '../format/units.ts';
import {
  type AlertSettings,
  type DeliveryLogEntry,
  enablePush,
  saveAlertSettings,
} from '../state/alerts.ts';

export function DeliverySettings(props: { settings: AlertSettings; onSaved: () => void }) {
  const [email, setEmail] = useState(props.settings.email ?? '');
  const [webhookUrl, setWebhookUrl] = useState(props.settings.webhookUrl ?? '');
  const [note, setNote] = useState<string | undefined>();
  useEffect(() => {
    setEmail(props.settings.email ?? '');
    setWebhookUrl(props.settings.webhookUrl ?? '');
  }, [props.settings]);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await saveAlertSettings({
        email: email.trim() === '' ? null : email.trim(),
        webhookUrl: webhookUrl.trim() === '' ? null : webhookUrl.trim(),
      });
      setNote('Saved.');
      props.onSaved();
    } catch (err) {
      setNote(errorText(err));
    }
  };
  const push = async () => {
    try {
      await enablePush();
      setNote('Push notifications are on for this browser.');
    } catch (err) {
      setNote(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form className="card row wrap" onSubmit={save} aria-label="Alert delivery">
      {props.settings.channels.includes('email') && (
        <label>
          E-mail
          <input
            name="alert-email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
      )}
      <label>
        Webhook URL
        <input
          name="alert-webhook"
          value={webhookUrl}
          onChange={(e) => setWebhookUrl(e.target.value)}
        />
      </label>
      {props.settings.webhookSecret !== null && (
        <p className="muted small">
          Webhook signing secret:{' '}
          <code data-testid="webhook-secret">{props.settings.webhookSecret}</code>
        </p>
      )}
      <button type="submit">Save</button>
      <button type="button" onClick={push}>
        Push to this browser
      </button>
      {note && <p role="status">{note}</p>}
    </form>
  );
}

export function DeliveryLog(props: { entries: readonly DeliveryLogEntry[] }) {
  if (props.entries.length === 0) return null;
  return (
    <table className="compact" data-testid="delivery-log">
      <caption>Deliveries</caption>
      <thead>
        <tr>
          <th>When</th>
          <th>Alert</th>
          <th>Channel</th>
          <th>Attempt</th>
          <th>Result</th>
        </tr>
      </thead>
      <tbody>
        {props.entries.map((d) => (
          <tr key={`${d.deliveryId}-${d.attempt}`}>
            <td>{dateTime(d.ts)}</td>
            <td>{d.alertId}</td>
            <td>{d.channel}</td>
            <td>{d.attempt}</td>
            <td className={d.ok ? '' : 'error'}>{d.detail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
