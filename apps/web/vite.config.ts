// Builds the trading UI into dist/, which the gateway serves at `/`. In development the API and the
// WebSocket are proxied to a running `bourse serve` (BOURSE_URL, default http://127.0.0.1:8080).

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const target = process.env.BOURSE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
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
