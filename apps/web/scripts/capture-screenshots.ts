// Refreshes the README screenshots from a running exchange (best with the demo bots trading for a few
// minutes so the charts have history): desktop markets, market, portfolio, admin, operations, and the
// phone-sized market page.
//
//   node apps/web/scripts/capture-screenshots.ts <baseUrl> <admin password> [outDir]

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, logIn, newUserPage } from '../test/support/browser.ts';

const [
  baseUrl,
  password,
  out = fileURLToPath(new URL('../../../docs/screenshots', import.meta.url)),
] = process.argv.slice(2);
if (baseUrl === undefined || password === undefined) {
  throw new Error('usage: capture-screenshots.ts <baseUrl> <admin password> [outDir]');
}
mkdirSync(out, { recursive: true });
const browser = await launch();
try {
  const { page } = await newUserPage(browser, baseUrl, { width: 1440, height: 960 });
  await logIn(page, 'admin', password);
  const symbols = (await (await fetch(`${baseUrl}/api/v1/markets`)).json()) as {
    items: { market: string; kind: string }[];
  };
  const binary = symbols.items.find((m) => m.kind === 'binary')?.market;
  const shots: [string, string, boolean][] = [
    ['/', 'markets', false],
    [`/markets/${binary}`, 'market', false],
    ['/portfolio', 'portfolio', false],
    ['/admin', 'admin', true],
    ['/ops', 'operations', false],
  ];
  for (const [path, name, full] of shots) {
    await page.goto(path);
    await page.locator('main h1').first().waitFor();
    await page.waitForTimeout(3_000);
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: full });
  }
  const phone = await newUserPage(browser, baseUrl, { width: 390, height: 844 });
  await logIn(phone.page, 'admin', password);
  await phone.page.goto(`/markets/${binary}`);
  await phone.page.locator('main h1').first().waitFor();
  await phone.page.waitForTimeout(3_000);
  await phone.page.screenshot({ path: join(out, 'phone-market.png'), fullPage: true });
} finally {
  await browser.close();
}
