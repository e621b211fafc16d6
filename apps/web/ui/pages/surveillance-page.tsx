// The surveillance console: alerts with their evidence and an admin's verdict, the kill switch and
// beneficial-owner links. Only reachable with the admin role (the API enforces it regardless).

import { FreezeAccount, OwnerLinks } from '../admin/account-controls.tsx';
import { SurveillanceAlerts } from '../admin/surveillance-alerts.tsx';

export function SurveillancePage() {
  return (
    <section className="admin">
      <h1>Surveillance</h1>
      <SurveillanceAlerts />
      <div className="two">
        <FreezeAccount />
        <OwnerLinks />
      </div>
    </section>
  );
}
