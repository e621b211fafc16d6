// The admin console: exchange halt, market lifecycle and settlement, circuit breakers, news feeds, new markets
// and assets, users, roles and money movements, and compliance report downloads. Only reachable
// with the admin role (the API enforces it regardless).

import { BreakerEditor } from '../admin/breaker-editor.tsx';
import { MarketInfoEditor } from '../admin/market-info-editor.tsx';
import { CreateAssetForm, CreateMarketForm } from '../admin/create-market-form.tsx';
import { ExchangeControls, MarketAdmin } from '../admin/market-admin.tsx';
import { NewsFeeds } from '../admin/news-feeds.tsx';
import { ReportDownloads } from '../admin/report-downloads.tsx';
import { UserAdmin } from '../admin/user-admin.tsx';

export function AdminPage() {
  return (
    <section className="admin">
      <h1>Administration</h1>
      <ExchangeControls />
      <MarketAdmin />
      <MarketInfoEditor />
      <BreakerEditor />
      <NewsFeeds />
      <div className="two">
        <CreateMarketForm />
        <CreateAssetForm />
      </div>
      <UserAdmin />
      <ReportDownloads />
    </section>
  );
}
