// A market's schedule in the admin console's markets table: when it closes by itself (while created,
// open or paused) and, while created, when it opens; each can be set from a local date and time or
// cleared. Not confirmed like a manual close: nothing happens until the time comes, and the row shows
// the time and a countdown until then, so a mistake can still be cleared.

import { type FormEvent, useState } from 'react';
import { ApiFailure, api, errorText } from '../api/http.ts';
import type { MarketInfo } from '../api/types.ts';
import { ScheduledTime } from '../components/scheduled-time.tsx';
import { fromDateTimeLocal, localDateTime, toDateTimeLocal } from '../format/schedule.ts';
import { useApp } from '../state/app-state.tsx';
import { type Schedule, scheduleWith } from './schedule-change.ts';

/** The server's reason in words. Our body holds only whole ms or null, so INVALID_FIELD can only
 * mean the close is not after the opening, which the generic text for the code would not say. */
function refusalText(err: unknown): string {
  return err instanceof ApiFailure && err.code === 'INVALID_FIELD'
    ? 'The close must be after the opening.'
    : errorText(err);
}

export function ScheduleEditor({ m }: { m: MarketInfo }) {
  const { toast, refreshMarkets } = useApp();
  const [busy, setBusy] = useState(false);
  if (m.status === 'closed' || m.status === 'settled') return <span className="muted">—</span>;

  const change = async (c: Partial<Schedule>, done: string) => {
    setBusy(true);
    try {
      // The API replaces the whole schedule: keep the other half as the server has it now, not as this
      // row last heard (the market list is refreshed only every few seconds).
      const symbol = encodeURIComponent(m.market);
      const current = await api<MarketInfo>('GET', `/api/v1/markets/${symbol}`);
      await api(
        'PUT',
        `/api/v1/admin/markets/${symbol}/schedule`,
        scheduleWith(current, c, Date.now()),
      );
      toast('success', done);
      await refreshMarkets();
    } catch (err) {
      toast('error', refusalText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="schedule-editor">
      {m.status === 'created' && (
        <TimeForm
          m={m}
          verb="opens"
          at={m.opensAt}
          busy={busy}
          onSet={(at) => void change({ opensAt: at }, `${m.market} opens ${localDateTime(at)}`)}
          onClear={() => void change({ opensAt: null }, `${m.market} no longer opens by itself`)}
        />
      )}
      <TimeForm
        m={m}
        verb="closes"
        at={m.closesAt}
        busy={busy}
        onSet={(at) => void change({ closesAt: at }, `${m.market} closes ${localDateTime(at)}`)}
        onClear={() => void change({ closesAt: null }, `${m.market} no longer closes by itself`)}
      />
    </div>
  );
}

function TimeForm({
  m,
  verb,
  at,
  busy,
  onSet,
  onClear,
}: {
  m: MarketInfo;
  verb: 'opens' | 'closes';
  at: number | null;
  busy: boolean;
  onSet: (at: number) => void;
  onClear: () => void;
}) {
  const { toast } = useApp();
  const noun = verb === 'opens' ? 'opening' : 'close';
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const text = String(new FormData(e.currentTarget).get('at') ?? '');
    const ms = fromDateTimeLocal(text);
    // Whether the time is in the future is the server's call (its clock decides), so only a time that
    // is not a time at all (or before 1970) stops here.
    if (ms === undefined || ms <= 0) return toast('error', 'Enter a date and time.');
    onSet(ms);
  };
  return (
    <form
      className="schedule-form"
      aria-label={`Schedule ${noun} of ${m.market}`}
      onSubmit={submit}
    >
      {at !== null && (
        <p className="scheduled">
          {verb === 'opens' ? 'Opens' : 'Closes'} <ScheduledTime verb={verb} at={at} />{' '}
          <button
            type="button"
            className="small"
            disabled={busy}
            aria-label={`Clear scheduled ${noun}`}
            onClick={onClear}
          >
            Clear
          </button>
        </p>
      )}
      <div className="row wrap">
        <label>
          {verb === 'opens' ? 'Open at' : 'Close at'}
          {/* Keyed by the schedule so the field shows the new time once the row has it. Seconds are
              allowed (step 1) so a close can be set a few seconds ahead. */}
          <input
            key={at ?? 'none'}
            type="datetime-local"
            name="at"
            step={1}
            required
            defaultValue={at === null ? '' : toDateTimeLocal(at)}
          />
        </label>
        <button type="submit" className="small" disabled={busy}>
          {verb === 'opens' ? 'Schedule opening' : 'Schedule close'}
        </button>
      </div>
    </form>
  );
}
