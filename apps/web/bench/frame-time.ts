// Render budget of the market page under load: a real exchange with market makers and noise traders
// trading through the public API as fast as their loops go, the UI open in headless Chromium on a busy
// market, and every animation frame timed in the page. Prints one JSON line: frame work p50/p95/p99
// (rAF callback start → the task after that frame's paint, i.e. our coalesced render plus style, layout
// and paint), frame interval percentiles, and the exchange's command rate meanwhile.
//
// `--indicators` puts catalogue indicators on the chart (ids with their default parameters, as the
// picker would store them), e.g. `--indicators bb,ema,rsi,macd,stoch` for five at once.
//
//   node apps/web/bench/frame-time.ts [--seconds 15] [--quote-ms 0] [--trade-ms 0] [--indicators ids]

import { generateKeyPairSync } from 'node:crypto';
import { parseArgs } from 'node:util';
import { runBots, type BotCredentials } from '@bourse/bots';
import { createUserWithAccount } from '@bourse/gateway';
import { defaults, findIndicator } from '../ui/market/indicator-catalogue.ts';
import { chromiumMissing, launch, logIn, newUserPage } from '../test/support/browser.ts';
import { MARKET, PASSWORD, startWebExchange, USD } from '../test/support/web-exchange.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    'quote-ms': { type: 'string', default: '0' },
    'trade-ms': { type: 'string', default: '0' },
    indicators: { type: 'string' },
  },
});
const missing = chromiumMissing();
if (missing) throw new Error(missing);

const huge = { capacity: 1e9, refillPerSecond: 1e9 };
const ex = await startWebExchange({
  rateLimits: { perIp: huge, perKey: huge, marketMakerMultiplier: 1 },
});
const s = ex.gateway.services;
const bots: BotCredentials[] = [];
for (const [name, kind] of [
  ['mm-1', 'market-maker'],
  ['mm-2', 'market-maker'],
  ['noise-1', 'noise-trader'],
  ['noise-2', 'noise-trader'],
  ['noise-3', 'noise-trader'],
  ['noise-4', 'noise-trader'],
] as const) {
  const user = await createUserWithAccount(s, {
    username: name,
    role: kind === 'market-maker' ? 'market-maker' : 'trader',
  });
  await s.submit({ type: 'deposit', accountId: user.accountId, assetId: USD, amount: 1e12 });
  const pair = generateKeyPairSync('ed25519');
  const key = await s.auth.addApiKey({
    userId: user.userId,
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    scopes: ['read', 'trade'],
    label: 'bench',
    now: Date.now(),
  });
  bots.push({
    kind,
    keyId: key.keyId,
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  });
}
const running = runBots({
  baseUrl: ex.baseUrl,
  bots,
  quoteEveryMs: Number(values['quote-ms']),
  tradeEveryMs: Number(values['trade-ms']),
  startTicks: { [MARKET]: 5_000 },
});

const browser = await launch();
const { page } = await newUserPage(browser, ex.baseUrl);
await logIn(page, 'alice', PASSWORD);
if (values.indicators !== undefined) {
  const chosen = values.indicators.split(',').map((id) => {
    const spec = findIndicator(id);
    if (spec === undefined) throw new Error(`no indicator ${id} in the catalogue`);
    return { id, params: defaults(spec) };
  });
  // The picker's own storage (indicator-selection.ts), keyed by the signed-in user.
  await page.evaluate(async (list) => {
    const me = (await (await fetch('/api/v1/account')).json()) as { userId: number };
    localStorage.setItem(`bourse.indicators.v1.${me.userId}`, JSON.stringify(list));
  }, chosen);
}
await page.goto(`/markets/${MARKET}`);
await page.getByTestId('yes-bids').waitFor();
if (values.indicators !== undefined) {
  const on = await page
    .getByRole('list', { name: 'Indicators on the chart' })
    .getByRole('listitem')
    .count();
  if (on !== values.indicators.split(',').length) throw new Error(`${on} indicators on the chart`);
}
await page.waitForTimeout(2_000); // warm-up: chart loaded, book streaming

const seconds = Number(values.seconds);
const commandsBefore = s.core.durableSeq;
const result = (await page.evaluate(`new Promise((resolve) => {
  const work = []; const intervals = []; let last = 0;
  const ch = new MessageChannel();
  let start = 0;
  ch.port1.onmessage = () => { work.push(performance.now() - start); };
  const end = performance.now() + ${seconds * 1000};
  const frame = (t) => {
    if (last) intervals.push(t - last);
    last = t;
    start = performance.now();
    ch.port2.postMessage(0);
    if (t < end) requestAnimationFrame(frame); else resolve({ work, intervals });
  };
  requestAnimationFrame(frame);
})`)) as { work: number[]; intervals: number[] };
const commandsAfter = s.core.durableSeq;

const pct = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return (
    Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 100) /
    100
  );
};
console.log(
  JSON.stringify({
    bench: 'web-market-page-frame-time',
    seconds,
    indicators: values.indicators ?? 'default (bb,rsi)',
    frames: result.intervals.length,
    workP50Ms: pct(result.work, 0.5),
    workP95Ms: pct(result.work, 0.95),
    workP99Ms: pct(result.work, 0.99),
    intervalP50Ms: pct(result.intervals, 0.5),
    intervalP95Ms: pct(result.intervals, 0.95),
    framesOver25Ms: result.intervals.filter((x) => x > 25).length,
    commandsPerSecond: Math.round((commandsAfter - commandsBefore) / seconds),
  }),
);
await browser.close();
await running.stop();
await ex.close();
