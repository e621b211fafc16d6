// Everything screens share: the live socket and its connection state, who is logged in, the market
// list, a counter that moves whenever the account's private channels report a change (screens refetch
// balances, positions and orders on it, at most once per frame), toasts, confirmations and the
// notifications of the user's server-side alerts.

import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { scheduleFrame } from '../api/frame-scheduler.ts';
import { ApiFailure, api, setCsrfToken, setUnauthenticatedHandler } from '../api/http.ts';
import { type ConnectionState, LiveSocket, type WireMessage } from '../api/live-socket.ts';
import type { Asset, MarketInfo, Me } from '../api/types.ts';
import { cancelReasonLabel } from '../format/orders.ts';
import { qty, qtyUnit } from '../format/units.ts';
import { orderLabel, sidePrice } from '../market/order-convention.ts';
import { AccountFeed } from './account-feed.ts';
import { useAlertNotifications } from './alert-notifications.ts';
import type { AlertNotification } from './alerts.ts';
import { noteConnection, useLiveness } from './liveness.ts';

export interface Toast {
  readonly id: number;
  readonly kind: 'info' | 'success' | 'error' | 'alert';
  readonly text: string;
}

export interface ConfirmRequest {
  readonly title: string;
  readonly body: string;
  readonly action: string;
  readonly resolve: (ok: boolean) => void;
}

export interface AppState {
  readonly socket: LiveSocket;
  readonly connection: ConnectionState;
  readonly me: Me | null | undefined;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  readonly markets: readonly MarketInfo[];
  readonly assets: readonly Asset[];
  marketBySymbol(symbol: string): MarketInfo | undefined;
  refreshMarkets(): Promise<void>;
  readonly accountVersion: number;
  readonly toasts: readonly Toast[];
  /** Every notification of this tab (newest first, bounded), for the header's notification list. */
  readonly notifications: readonly (Toast & { readonly ts: number })[];
  /** Shows a toast; `listed: false` keeps it out of this tab's notification list. */
  toast(kind: Toast['kind'], text: string, listed?: boolean): void;
  dismissToast(id: number): void;
  confirm(title: string, body: string, action: string): Promise<boolean>;
  readonly pendingConfirm: ConfirmRequest | undefined;
  /** The user's alerts that fired (server-side, newest first), for the notification list. */
  readonly alertNotifications: readonly AlertNotification[];
}

const Context = createContext<AppState | undefined>(undefined);

export function useApp(): AppState {
  const ctx = useContext(Context);
  if (ctx === undefined) throw new Error('useApp outside AppProvider');
  return ctx;
}

function socketUrl(): string {
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${window.location.host}/api/v1/ws`;
}

interface FillUpdate {
  readonly market: string;
  readonly side: 'buy' | 'sell';
  readonly qtyLots: number;
  readonly priceTicks: number;
}

/** "Filled: Buy NO 3 RAIN @ 60¢" — in the outcome terms the person traded, not the YES book's. */
function fillText(f: FillUpdate, markets: readonly MarketInfo[]): string {
  const m = markets.find((x) => x.market === f.market);
  if (m === undefined) return `Filled: ${f.side} ${f.qtyLots} lots ${f.market}`;
  return `Filled: ${orderLabel(m, f.side)} ${qty(m, f.qtyLots)} ${f.market} @ ${sidePrice(m, f.side, f.priceTicks)}`;
}

/** An order the exchange cancelled on its own, as the `orders` channel reports it. */
interface CancelUpdate {
  readonly type: 'orderCancelled';
  readonly orderId: number;
  readonly market: string;
  readonly reason: string;
  readonly cancelledQtyLots: number;
}

/** Cancel reasons worth a notification: the person did not ask for them and may not expect them. */
const NOTIFIED_CANCELS: ReadonlySet<string> = new Set([
  'paused',
  'positionLimit',
  'circuitBreaker',
]);

/** "Cancelled: trading paused — order 7, 2 contracts RAIN". */
function cancelText(c: CancelUpdate, markets: readonly MarketInfo[]): string {
  const m = markets.find((x) => x.market === c.market);
  const size =
    m === undefined ? `${c.cancelledQtyLots} lots` : `${qty(m, c.cancelledQtyLots)} ${qtyUnit(m)}`;
  return `${cancelReasonLabel(c.reason)} — order ${c.orderId}, ${size} ${c.market}`;
}

let toastSeq = 0;
const NOTIFICATIONS_KEPT = 50;
const ACCOUNT_REFETCH_MS = 250;

export function AppProvider({ children }: { children: ReactNode }) {
  const socket = useMemo(() => new LiveSocket(socketUrl()), []);
  const connection = useSyncExternalStore(
    (l) => socket.onState(l),
    () => socket.state,
  );
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [markets, setMarkets] = useState<readonly MarketInfo[]>([]);
  const [assets, setAssets] = useState<readonly Asset[]>([]);
  const [accountVersion, setAccountVersion] = useState(0);
  const [toasts, setToasts] = useState<readonly Toast[]>([]);
  const [notifications, setNotifications] = useState<readonly (Toast & { ts: number })[]>([]);
  const [pendingConfirm, setPendingConfirm] = useState<ConfirmRequest | undefined>();
  const marketsRef = useRef(markets);
  marketsRef.current = markets;
  const meRef = useRef(me);
  meRef.current = me;

  const toast = useCallback((kind: Toast['kind'], text: string, listed = true) => {
    const id = ++toastSeq;
    setToasts((t) => [...t.slice(-4), { id, kind, text }]);
    if (kind !== 'info' && listed) {
      setNotifications((n) =>
        [{ id, kind, text, ts: Date.now() }, ...n].slice(0, NOTIFICATIONS_KEPT),
      );
    }
    setTimeout(
      () => setToasts((t) => t.filter((x) => x.id !== id)),
      kind === 'alert' ? 15_000 : 6_000,
    );
  }, []);
  const dismissToast = useCallback((id: number) => {
    setToasts((t) => t.filter((x) => x.id !== id));
  }, []);

  const refreshMarkets = useCallback(async () => {
    const [m, a] = await Promise.all([
      api<{ items: MarketInfo[] }>('GET', '/api/v1/markets'),
      api<{ items: Asset[] }>('GET', '/api/v1/assets'),
    ]);
    setMarkets(m.items);
    setAssets(a.items);
  }, []);

  // Who is logged in; unknown (not logged out) while the exchange cannot be reached.
  const loadMe = useCallback(() => {
    api<Me>('GET', '/api/v1/account').then(
      (m) => {
        setCsrfToken(m.csrfToken);
        setMe(m);
      },
      (e: unknown) => {
        if (!(e instanceof ApiFailure && e.code === 'NETWORK')) setMe(null);
      },
    );
  }, []);

  useEffect(() => {
    const off = socket.onState(() => noteConnection(socket.state));
    socket.start();
    setUnauthenticatedHandler(() => setMe(null));
    loadMe();
    refreshMarkets().catch(() => {});
    const timer = setInterval(() => refreshMarkets().catch(() => {}), 5_000);
    const online = () => socket.restart();
    window.addEventListener('online', online);
    return () => {
      off();
      clearInterval(timer);
      window.removeEventListener('online', online);
    };
  }, [socket, refreshMarkets, loadMe]);

  // Back after an outage: what failed to load while the exchange was away is asked for again.
  const { reconnects } = useLiveness();
  useEffect(() => {
    if (reconnects === 0) return;
    refreshMarkets().catch(() => {});
    if (meRef.current === undefined) loadMe();
  }, [reconnects, refreshMarkets, loadMe]);

  // The server closes the socket when the session that opened it ends elsewhere (signed out from
  // another device, or expired) or the user's role changes: ask who this browser is now. A 401 shows
  // the login form (the unauthenticated handler); a network failure changes nothing.
  useEffect(
    () =>
      socket.onClose((code, reason) => {
        if (code !== 1008 || !reason.startsWith('CREDENTIALS_')) return;
        api<Me>('GET', '/api/v1/account').then(
          (m) => {
            setCsrfToken(m.csrfToken);
            setMe(m);
          },
          () => {},
        );
      }),
    [socket],
  );

  // Private channels: a change to the account bumps the version, which makes account views refetch
  // from REST; so does the channels' confirmation on each connection (what changed before it reached
  // no update: account-feed.ts). Bumps are spaced by ACCOUNT_REFETCH_MS (a busy market maker's
  // account changes hundreds of times a second) and land on an animation frame; fills also toast, and
  // so do orders the exchange cancelled because trading paused or a triggered stop would breach the
  // position limit.
  useEffect(() => {
    if (me === null || me === undefined) return;
    let pending: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const bump = () => {
      pending = undefined;
      last = performance.now();
      setAccountVersion((v) => v + 1);
    };
    const feed = new AccountFeed(socket, () => {
      if (pending !== undefined) return;
      const wait = Math.max(0, last + ACCOUNT_REFETCH_MS - performance.now());
      pending = setTimeout(() => scheduleFrame(bump), wait);
    });
    const off = socket.onMessage((m: WireMessage) => {
      if (m.type !== 'update') return;
      if (m.channel === 'fills') {
        for (const f of m.items as FillUpdate[]) toast('success', fillText(f, marketsRef.current));
      }
      if (m.channel === 'orders') {
        for (const c of m.items as CancelUpdate[]) {
          if (c.type === 'orderCancelled' && NOTIFIED_CANCELS.has(c.reason)) {
            toast('alert', cancelText(c, marketsRef.current));
          }
        }
      }
    });
    return () => {
      off();
      feed.close();
      clearTimeout(pending);
    };
  }, [me, socket, toast]);

  const alertToast = useCallback((text: string) => toast('alert', text, false), [toast]);
  const alertNotifications = useAlertNotifications(socket, me, alertToast);

  const value = useMemo<AppState>(
    () => ({
      socket,
      connection,
      me,
      async login(username, password) {
        const r = await api<{ csrfToken: string; user: Omit<Me, 'scopes' | 'csrfToken'> }>(
          'POST',
          '/api/v1/session/login',
          { username, password },
        );
        setCsrfToken(r.csrfToken);
        const full = await api<Me>('GET', '/api/v1/account');
        setMe(full);
        socket.restart();
      },
      async logout() {
        await api('POST', '/api/v1/session/logout').catch(() => {});
        setCsrfToken(null);
        setMe(null);
        socket.restart();
      },
      markets,
      assets,
      marketBySymbol: (symbol) => markets.find((m) => m.market === symbol),
      refreshMarkets,
      accountVersion,
      toasts,
      notifications,
      toast,
      dismissToast,
      confirm: (title, body, action) =>
        new Promise<boolean>((resolve) => {
          setPendingConfirm({
            title,
            body,
            action,
            resolve: (ok) => {
              setPendingConfirm(undefined);
              resolve(ok);
            },
          });
        }),
      pendingConfirm,
      alertNotifications,
    }),
    [
      socket,
      connection,
      me,
      markets,
      assets,
      refreshMarkets,
      accountVersion,
      toasts,
      notifications,
      toast,
      dismissToast,
      pendingConfirm,
      alertNotifications,
    ],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}
