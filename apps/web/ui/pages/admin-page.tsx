// The admin console: exchange halt, market lifecycle and settlement, new markets and assets, users,
// roles and money movements. Only reachable with the admin role (the API enforces it regardless).

import { MarketInfoEditor } from '../admin/market-info-editor.tsx';
import { CreateAssetForm, CreateMarketForm } from '../admin/create-market-form.tsx';
import { ExchangeControls, MarketAdmin } from '../admin/market-admin.tsx';
import { UserAdmin } from '../admin/user-admin.tsx';

export function AdminPage() {
  return (
    <section className="admin">
      <h1>Administration</h1>
      <ExchangeControls />
      <MarketAdmin />
      <MarketInfoEditor />
      <div className="two">
        <CreateMarketForm />
        <CreateAssetForm />
      </div>
      <UserAdmin />
    </section>
  );
}
