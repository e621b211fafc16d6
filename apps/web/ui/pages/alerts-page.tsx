// Alerts: create one (price, move, spread, volume, my order filled, market closing or settled), see
// which have fired, delete; where they are delivered and how each delivery went. They are kept and
// evaluated on the exchange, so they fire with Bourse closed.

import { AlertForm } from '../alerts/alert-form.tsx';
import { AlertTable, conditionText } from '../alerts/alert-table.tsx';
import { DeliveryLog, DeliverySettings } from '../alerts/delivery-settings.tsx';
import { useApp } from '../state/app-state.tsx';
import { alertSettings, deleteAlert, deliveryLog, listAlerts } from '../state/alerts.ts';
import { useApi } from '../state/use-api.ts';

export function AlertsPage() {
  const { markets, marketBySymbol, confirm, toast, alertNotifications } = useApp();
  const fired = alertNotifications.length;
  const alerts = useApi(listAlerts, [fired]);
  const settings = useApi(alertSettings, []);
  const log = useApi(deliveryLog, [fired]);
  const remove = async (a: NonNullable<typeof alerts.data>[number]) => {
    const m = a.condition.market === undefined ? undefined : marketBySymbol(a.condition.market);
    if (!(await confirm('Delete alert?', conditionText(a, m), 'Delete'))) return;
    try {
      await deleteAlert(a.alertId);
    } catch {
      toast('error', 'The alert could not be deleted.');
    }
    alerts.reload();
  };
  return (
    <section className="alerts">
      <h1>Alerts</h1>
      <AlertForm
        markets={markets}
        offered={settings.data?.channels ?? ['inApp']}
        onCreated={alerts.reload}
      />
      <div className="card">
        {alerts.error && <p className="error">{alerts.error}</p>}
        <AlertTable alerts={alerts.data ?? []} marketBySymbol={marketBySymbol} onDelete={remove} />
      </div>
      {settings.data && <DeliverySettings settings={settings.data} onSaved={settings.reload} />}
      {(log.data?.length ?? 0) > 0 && (
        <div className="card">
          <DeliveryLog entries={log.data ?? []} />
        </div>
      )}
    </section>
  );
}
