// Builds the trading UI into dist/, which the gateway serves at `/`. In development the API and the
// WebSocket are proxied to a running `bourse serve` (BOURSE_URL, default http://127.0.0.1:8080).
// The UI takes only the browser-safe book mirror from `@bourse/client` at runtime (the rest of the SDK
// signs with node:crypto and opens sockets with `ws`), so the package name resolves to that module.
// Every text asset is also written gzip- and brotli-compressed (scripts/precompress.ts), and the build
// adds the web app manifest, icons and service worker that make the UI installable (scripts/installable.ts).

import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { installable } from './scripts/installable.ts';
import { precompress } from './scripts/precompress.ts';

const target = process.env.BOURSE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), installable(), precompress()],
  resolve: {
    alias: {
      '@bourse/client': fileURLToPath(
        new URL('../../packages/client/src/book-mirror.ts', import.meta.url),
      ),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api/v1/ws': { target: target.replace(/^http/, 'ws'), ws: true },
      '/api': target,
      '/metrics': target,
    },
  },
});
