// A scheduled market time: the moment in the user's local time (a <time> element carrying the exact
// instant) and a live countdown in words, so it reads the same to a screen reader as on screen.

import { localDateTime, untilText } from '../format/schedule.ts';
import { useNow } from '../state/use-now.ts';

export function ScheduledTime({ verb, at }: { verb: 'opens' | 'closes' | 'reopens'; at: number }) {
  const now = useNow(at);
  return (
    <>
      <time dateTime={new Date(at).toISOString()}>{localDateTime(at)}</time>{' '}
      <span className="muted small until">{untilText(verb, at, now)}</span>
    </>
  );
}
