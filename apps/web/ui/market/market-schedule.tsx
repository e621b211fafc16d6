// The market header's scheduled times: when a market that has not opened yet opens, and when it
// closes. The status is the live one from the ticker, so a time that has just come is hidden as soon
// as the status moves, before the market list (refreshed every few seconds) drops the time too.
// Nothing shows when nothing is scheduled.

import { memo } from 'react';
import { ScheduledTime } from '../components/scheduled-time.tsx';

// Memoised: the header re-renders on every book frame, the schedule only when it or the status moves.
export const MarketSchedule = memo(function MarketSchedule({
  status,
  opensAt,
  closesAt,
}: {
  status: string;
  opensAt: number | null;
  closesAt: number | null;
}) {
  const opens = status === 'created' ? opensAt : null;
  const closes = status === 'closed' || status === 'settled' ? null : closesAt;
  return (
    <>
      {opens !== null && (
        <div className="scheduled" data-testid="market-opens">
          <span className="label">Opens</span>
          <ScheduledTime verb="opens" at={opens} />
        </div>
      )}
      {closes !== null && (
        <div className="scheduled" data-testid="market-closes">
          <span className="label">Closes</span>
          <ScheduledTime verb="closes" at={closes} />
        </div>
      )}
    </>
  );
});
