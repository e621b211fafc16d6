// Builds the web UI when apps/web/dist is missing or older than any of its sources, so `npm start` and
// the browser tests always serve the current UI without rebuilding when nothing changed.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = fileURLToPath(new URL('..', import.meta.url));
export const DIST_DIR = join(WEB_DIR, 'dist');

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

export function isStale(): boolean {
  const built = join(DIST_DIR, 'index.html');
  if (!existsSync(built)) return true;
  // The bundle also takes the engine's rules, the client's book mirror, and the protocol's metrics
  // reader and name rules from their packages, and the build's own steps (scripts/) write the manifest, icons and
  // service worker.
  const sources = [
    'ui',
    'scripts',
    'index.html',
    'vite.config.ts',
    'package.json',
    '../../packages/engine/src',
    '../../packages/client/src',
    '../../packages/protocol/src/metrics-text.ts',
    '../../packages/protocol/src/names.ts',
  ].map((p) => join(WEB_DIR, p));
  const newest = Math.max(...sources.filter((p) => existsSync(p)).map(newestMtime));
  return newest > statSync(built).mtimeMs;
}

/** Runs `vite build` when the UI is stale; throws if the build fails. */
export function ensureBuilt(): void {
  if (!isStale()) return;
  const require = createRequire(import.meta.url);
  const viteBin = join(require.resolve('vite/package.json'), '..', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], {
    cwd: WEB_DIR,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`web UI build failed (exit ${r.status ?? r.signal})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureBuilt();
