// Scheduled market times as people read and type them: the moment in the browser's local time, how
// long until then, and the `datetime-local` input's text turned into ms since the epoch and back.
// Times stay integers (ms); the local time zone only affects how they are shown and typed.

// Intl formatting is too slow for the live tape but fine here: a header renders this once a second.
const TO_MINUTE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const TO_SECOND = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** "May 1, 2026, 2:30 PM" in the user's locale and zone; seconds only when the time has some. */
export function localDateTime(ts: number): string {
  return (ts % 60_000 === 0 ? TO_MINUTE : TO_SECOND).format(ts);
}

/**
 * How long `ms` is, to the two largest units: "2 h 5 min", "12 min 5 s", "45 s", "3 d 4 h".
 * Rounded up to the second so a countdown never reads "0 s" before its time has come.
 */
export function durationText(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1_000));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3_600);
  const minutes = Math.floor((s % 3_600) / 60);
  const seconds = s % 60;
  const two = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    small === 0 ? `${big} ${bigUnit}` : `${big} ${bigUnit} ${small} ${smallUnit}`;
  if (days > 0) return two(days, 'd', hours, 'h');
  if (hours > 0) return two(hours, 'h', minutes, 'min');
  if (minutes > 0) return two(minutes, 'min', seconds, 's');
  return `${seconds} s`;
}

const NOW = { opens: 'opening', closes: 'closing', reopens: 'reopening' } as const;

/** "closes in 2 h 5 min", or "closing now" once the time has come but the status has not moved yet. */
export function untilText(verb: 'opens' | 'closes' | 'reopens', at: number, now: number): string {
  if (at <= now) return `${NOW[verb]} now`;
  return `${verb} in ${durationText(at - now)}`;
}

/** A `datetime-local` value ("2026-05-01T14:30:05", local time) → ms; undefined when not a time. */
export function fromDateTimeLocal(text: string): number | undefined {
  // Only the input's own shape: `Date` would also guess at other strings, some of them as UTC.
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?$/.test(text)) return undefined;
  const ms = new Date(text).getTime();
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** ms → a `datetime-local` value in local time, to the second. */
export function toDateTimeLocal(ts: number): string {
  const d = new Date(ts);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${String(d.getFullYear()).padStart(4, '0')}-${two(d.getMonth() + 1)}-${two(d.getDate())}` +
    `T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
  );
}
