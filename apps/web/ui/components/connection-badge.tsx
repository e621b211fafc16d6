// The live-data connection state, always visible in the header.

import { useApp } from '../state/app-state.tsx';

const LABEL = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline — retrying',
} as const;

export function ConnectionBadge() {
  const { connection } = useApp();
  return (
    <span className={`conn ${connection}`} data-testid="connection" title="Live data connection">
      <span className="dot" aria-hidden="true" />
      {LABEL[connection]}
    </span>
  );
}
