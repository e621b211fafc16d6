// The service worker: keeps the app shell (the page, its scripts, styles, icons and manifest) in a
// cache named after the build, so the UI opens without a network and says it is offline. Market data
// never comes from here: API, WebSocket and every other request go to the network untouched. Pages
// are fetched from the network first and the cached shell answers only when that fails. A new build
// has a new version: it installs its own cache and deletes the old ones. The build
// (scripts/installable.ts) compiles this file to /sw.js and fills in the version and the shell list.
// It also shows the alerts the exchange sends by Web Push.

/** Written in by the build: the bundle's hash and the shell's URLs. */
declare const __BOURSE_VERSION__: string;
declare const __BOURSE_SHELL__: readonly string[];
const VERSION = __BOURSE_VERSION__;
const SHELL = __BOURSE_SHELL__;

const PREFIX = 'bourse-shell-';
const CACHE = PREFIX + VERSION;
/** The page every client-side route is served from. */
const INDEX = '/';
/** Server paths that are never the app's pages, even when navigated to (packages/gateway). */
const NOT_SHELL = /^\/(api|trade-api|docs|metrics|healthz|readyz|cluster-status)(\/|$)/;
/** Like the gateway, only extensionless paths are the app's client-side routes. */
const HAS_EXTENSION = /\.[^/]*$/;

// The DOM library types `self` as a window; these are the few worker types this file needs.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface PushEvent extends ExtendableEvent {
  readonly data: { json(): unknown } | null;
}
interface NotificationEvent extends ExtendableEvent {
  readonly notification: Notification & { readonly data: unknown };
}
interface WindowClient {
  readonly url: string;
  focus(): Promise<unknown>;
}
interface WorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (e: FetchEvent) => void): void;
  addEventListener(type: 'push', listener: (e: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (e: NotificationEvent) => void): void;
  skipWaiting(): Promise<void>;
  readonly clients: {
    claim(): Promise<void>;
    matchAll(o: { type: 'window' }): Promise<readonly WindowClient[]>;
    openWindow(url: string): Promise<unknown>;
  };
  readonly registration: {
    showNotification(title: string, options: NotificationOptions): Promise<void>;
  };
  readonly location: Location;
}
const worker = self as unknown as WorkerScope;

worker.addEventListener('install', (event) => {
  // `reload`: the shell must come from the server, not from the browser's HTTP cache.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k)),
        ),
      )
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin || NOT_SHELL.test(url.pathname)) return;
  if (request.mode === 'navigate' && !HAS_EXTENSION.test(url.pathname)) {
    event.respondWith(pageOrShell(request));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(cachedOrNetwork(request));
  }
  // Anything else is not ours to answer: the browser fetches it as if there were no worker.
});

/** The network's answer for a page; the cached shell only when the network fails. */
async function pageOrShell(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (error) {
    const shell = await caches.match(INDEX, { cacheName: CACHE });
    if (shell === undefined) throw error;
    return shell;
  }
}

/** A shell file from this build's cache, else from the network. */
async function cachedOrNetwork(request: Request): Promise<Response> {
  return (await caches.match(request, { cacheName: CACHE })) ?? fetch(request);
}

/**
 * An alert the exchange pushed (packages/alerts, web-push): `{title, body, tag, data}` with the
 * notification's id as tag, so a repeated delivery replaces the shown one instead of adding another.
 */
worker.addEventListener('push', (event) => {
  const message = (event.data?.json() ?? {}) as {
    title?: string;
    body?: string;
    tag?: string;
    data?: unknown;
  };
  event.waitUntil(
    worker.registration.showNotification(message.title ?? 'Bourse', {
      body: message.body ?? '',
      ...(message.tag === undefined ? {} : { tag: message.tag }),
      data: message.data,
      icon: '/icons/icon-192.png',
    }),
  );
});

/** A click on an alert opens (or focuses) the alerts page. */
worker.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(
    worker.clients.matchAll({ type: 'window' }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).pathname === '/alerts');
      return open === undefined ? worker.clients.openWindow('/alerts') : open.focus();
    }),
  );
});
