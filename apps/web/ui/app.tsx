// The shell: header with navigation (admin links only for admins), the connection state and the user,
// then the screen for the current path. Screens that need an account show the login form in place.

import { type ReactNode, useState } from 'react';
import { ConfirmDialog } from './components/confirm-dialog.tsx';
import { ConnectionBadge } from './components/connection-badge.tsx';
import { HaltBanner } from './components/halt-banner.tsx';
import { SandboxBanner } from './components/sandbox-banner.tsx';
import { Link } from './components/link.tsx';
import { NotificationList } from './components/notification-list.tsx';
import { Loading, OfflineBanner } from './components/offline-banner.tsx';
import { Toasts } from './components/toasts.tsx';
import { AccountPage } from './pages/account-page.tsx';
import { AdminPage } from './pages/admin-page.tsx';
import { SurveillancePage } from './pages/surveillance-page.tsx';
import { AlertsPage } from './pages/alerts-page.tsx';
import { EventPage } from './pages/event-page.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { MarketPage } from './pages/market-page.tsx';
import { MarketsPage } from './pages/markets-page.tsx';
import { OperationsPage } from './pages/operations-page.tsx';
import { PortfolioPage } from './pages/portfolio-page.tsx';
import { AppProvider, useApp } from './state/app-state.tsx';
import { pageName, usePageTitle } from './state/page-title.ts';
import { usePath } from './state/router.ts';

export function App() {
  return (
    <AppProvider>
      <Shell />
    </AppProvider>
  );
}

const NAV = [
  { to: '/', label: 'Markets', admin: false },
  { to: '/portfolio', label: 'Portfolio', admin: false },
  { to: '/alerts', label: 'Alerts', admin: false },
  { to: '/account', label: 'Account', admin: false },
  { to: '/admin', label: 'Admin', admin: true },
  { to: '/surveillance', label: 'Surveillance', admin: true },
  { to: '/ops', label: 'Operations', admin: false },
];

function Shell() {
  const { me, logout, marketBySymbol } = useApp();
  const path = usePath();
  usePageTitle(pageName(path, marketBySymbol));
  const [menuOpen, setMenuOpen] = useState(false);
  const current = (to: string) =>
    to === '/'
      ? path === '/' || path.startsWith('/markets') || path.startsWith('/events')
      : path.startsWith(to);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          Bourse
        </Link>
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          Menu
        </button>
        <nav id="main-nav" className={menuOpen ? 'open' : ''} aria-label="Main">
          {NAV.filter((n) => !n.admin || me?.role === 'admin').map((n) => (
            <span key={n.to} onClickCapture={() => setMenuOpen(false)}>
              <Link to={n.to} aria-current={current(n.to) ? 'page' : undefined}>
                {n.label}
              </Link>
            </span>
          ))}
        </nav>
        <div className="who">
          <ConnectionBadge />
          <NotificationList />
          {me ? (
            <>
              <span className="user" data-testid="user">
                {me.username}
              </span>
              <button type="button" className="link" onClick={() => void logout()}>
                Log out
              </button>
            </>
          ) : (
            me === null && <Link to="/login">Log in</Link>
          )}
        </div>
      </header>
      <OfflineBanner />
      <SandboxBanner />
      <HaltBanner />
      <main id="main">
        <Route path={path} />
      </main>
      <Toasts />
      <ConfirmDialog />
    </>
  );
}

function NeedsLogin({ children }: { children: ReactNode }) {
  const { me } = useApp();
  if (me === undefined) return <Loading />;
  if (me === null) return <LoginPage />;
  return <>{children}</>;
}

/** The screen for a path; a new page also names itself in the tab's title (state/page-title.ts). */
function Route({ path }: { path: string }) {
  const { me } = useApp();
  if (path.startsWith('/markets/')) {
    return <MarketPage symbol={decodeURIComponent(path.slice('/markets/'.length))} />;
  }
  if (path.startsWith('/events/')) {
    return <EventPage ticker={decodeURIComponent(path.slice('/events/'.length))} />;
  }
  switch (path) {
    case '/':
    case '/markets':
      return <MarketsPage />;
    case '/login':
      return me ? <MarketsPage /> : <LoginPage />;
    case '/portfolio':
      return (
        <NeedsLogin>
          <PortfolioPage />
        </NeedsLogin>
      );
    case '/alerts':
      return <AlertsPage />;
    case '/account':
      return (
        <NeedsLogin>
          <AccountPage />
        </NeedsLogin>
      );
    case '/admin':
      return (
        <NeedsLogin>
          {me?.role === 'admin' ? (
            <AdminPage />
          ) : (
            <section>
              <h1>Administration</h1>
              <p>Administration needs the admin role. Ask an administrator for access.</p>
            </section>
          )}
        </NeedsLogin>
      );
    case '/surveillance':
      return (
        <NeedsLogin>
          {me?.role === 'admin' ? (
            <SurveillancePage />
          ) : (
            <section>
              <h1>Surveillance</h1>
              <p>Surveillance needs the admin role. Ask an administrator for access.</p>
            </section>
          )}
        </NeedsLogin>
      );
    case '/ops':
      return <OperationsPage />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            There is nothing at this address. <Link to="/">Go to the markets</Link>.
          </p>
        </section>
      );
  }
}
