// A build step that makes the UI an installable app: it emits the web app manifest, the icons (drawn
// by scripts/app-icons.ts) and the service worker (ui/sw/service-worker.ts, compiled to /sw.js with
// the build's version and the list of shell files written in), and links the manifest, icons and
// theme colour from index.html. The version is a hash of every other file of the build, so any change
// to the UI gives the worker a new cache and retires the old one.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Plugin, type Rollup, transformWithOxc } from 'vite';
import { iconPng, iconSvg, THEME } from './app-icons.ts';

const SW_SOURCE = fileURLToPath(new URL('../ui/sw/service-worker.ts', import.meta.url));

/** What a home screen shows and how the installed app opens. */
export const MANIFEST = {
  name: 'Bourse',
  short_name: 'Bourse',
  description: 'Trade event contracts and instruments on this Bourse exchange.',
  id: '/',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  orientation: 'any',
  theme_color: THEME.background,
  background_color: THEME.background,
  icons: [
    { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
  ],
} as const;

/** Files this step adds besides the worker, by their path in dist/. */
function appFiles(): Record<string, string | Uint8Array> {
  return {
    'manifest.webmanifest': `${JSON.stringify(MANIFEST, null, 2)}\n`,
    'icons/icon.svg': iconSvg(),
    'icons/icon-192.png': iconPng(192),
    'icons/icon-512.png': iconPng(512),
    'icons/maskable-512.png': iconPng(512, true),
    'icons/apple-touch-icon.png': iconPng(180, true),
  };
}

export function installable(): Plugin {
  return {
    name: 'bourse-installable',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [
        {
          tag: 'link',
          attrs: { rel: 'manifest', href: '/manifest.webmanifest' },
          injectTo: 'head',
        },
        {
          tag: 'meta',
          attrs: { name: 'theme-color', content: THEME.background },
          injectTo: 'head',
        },
        {
          tag: 'link',
          attrs: { rel: 'icon', href: '/icons/icon.svg', type: 'image/svg+xml' },
          injectTo: 'head',
        },
        {
          tag: 'link',
          attrs: { rel: 'apple-touch-icon', href: '/icons/apple-touch-icon.png' },
          injectTo: 'head',
        },
      ],
    },
    generateBundle: { order: 'post', handler: emitAppFiles },
  };
}

/** Emits the manifest and icons, then the worker with the version and shell of the whole build. */
async function emitAppFiles(
  this: Rollup.PluginContext,
  _options: unknown,
  bundle: Rollup.OutputBundle,
): Promise<void> {
  const added = appFiles();
  for (const [fileName, source] of Object.entries(added)) {
    this.emitFile({ type: 'asset', fileName, source });
  }
  // Every file of the build, index.html included, is the shell; their contents name the version.
  const files = new Map<string, string | Uint8Array>(Object.entries(added));
  for (const [name, file] of Object.entries(bundle)) {
    files.set(name, file.type === 'chunk' ? file.code : file.source);
  }
  const hash = createHash('sha256');
  const shell: string[] = [];
  for (const name of [...files.keys()].sort()) {
    hash.update(name).update(files.get(name) ?? '');
    shell.push(name === 'index.html' ? '/' : `/${name}`);
  }
  const version = hash.digest('hex').slice(0, 16);
  const compiled = await transformWithOxc(readFileSync(SW_SOURCE, 'utf8'), SW_SOURCE, {
    lang: 'ts',
  });
  const source = compiled.code
    .replace(/\b__BOURSE_VERSION__\b/, JSON.stringify(version))
    .replace(/\b__BOURSE_SHELL__\b/, JSON.stringify(shell));
  this.emitFile({ type: 'asset', fileName: 'sw.js', source });
}
