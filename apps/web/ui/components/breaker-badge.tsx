// The badge of a market its circuit breaker paused: the price moved too far too fast (or left its
// band), so trading stopped for a while; it says so, and when the market reopens by itself.

import { ScheduledTime } from './scheduled-time.tsx';

export function BreakerBadge({ reopensAt }: { reopensAt: number | null | undefined }) {
  return (
    <span className="breaker-badge" data-testid="breaker-badge">
      <span
        className="pill breaker"
        title="The price moved too far too fast: trading is paused for a while."
      >
        Circuit breaker
      </span>
      {typeof reopensAt === 'number' && (
        <span className="small">
          {' '}
          <ScheduledTime verb="reopens" at={reopensAt} />
        </span>
      )}
    </span>
  );
}
