// Registers the service worker the build writes to /sw.js (ui/sw/service-worker.ts), which keeps the
// app shell for opening offline and for installing the app. Without one (the development server, a
// browser without workers) the UI works the same, only not offline.

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // No worker: nothing the user can act on; the page itself is already loaded.
    });
  };
  // After the page's own loading, so the worker's shell download never delays the first screen.
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
