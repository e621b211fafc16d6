// Price alerts kept in this browser's localStorage (the gateway has no alert store): an alert fires
// once when the market's last trade price crosses its level in the chosen direction, then stays in
// the list marked as fired until deleted.

export interface PriceAlert {
  readonly id: string;
  readonly market: string;
  readonly direction: 'above' | 'below';
  readonly priceTicks: number;
  readonly createdAt: number;
  readonly firedAt: number | null;
  readonly firedPriceTicks: number | null;
}

const KEY = 'bourse.alerts.v1';

export function loadAlerts(): PriceAlert[] {
  try {
    const raw = localStorage.getItem(KEY);
    const parsed: unknown = raw === null ? [] : JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as PriceAlert[]) : [];
  } catch {
    return [];
  }
}

export function saveAlerts(alerts: readonly PriceAlert[]): void {
  localStorage.setItem(KEY, JSON.stringify(alerts));
}

/** True when `last` has reached the alert's level from the watched side. */
export function alertTriggered(alert: PriceAlert, lastPriceTicks: number): boolean {
  if (alert.firedAt !== null) return false;
  return alert.direction === 'above'
    ? lastPriceTicks >= alert.priceTicks
    : lastPriceTicks <= alert.priceTicks;
}
