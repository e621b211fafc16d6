// Every request under `/trade-api/` gets an answer: paths outside `/trade-api/v2` (another version, a
// typo, the prefix alone) are answered 404 with Kalshi's error body instead of being left open.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestExchange } from '../../gateway/test/support/test-exchange.ts';
import { errorCode, startKalshiExchange } from './support/kalshi-exchange.ts';

let ex: TestExchange;

before(async () => {
  ex = await startKalshiExchange();
});
after(() => ex?.close());

for (const [method, path] of [
  ['GET', '/trade-api/x'],
  ['GET', '/trade-api/'],
  ['GET', '/trade-api/v3/markets'],
  ['GET', '/trade-api/v2x/markets'],
  ['POST', '/trade-api/v1/portfolio/orders'],
  ['GET', '/trade-api/ws/v3'],
] as const) {
  test(`${method} ${path} is answered 404`, async () => {
    const res = await fetch(`${ex.baseUrl}${path}`, {
      method,
      ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    assert.equal(res.status, 404);
    assert.equal(errorCode(await res.json()), 'not_found');
  });
}

test('a known endpoint still answers', async () => {
  const res = await fetch(`${ex.baseUrl}/trade-api/v2/exchange/status`, {
    signal: AbortSignal.timeout(10_000),
  });
  assert.equal(res.status, 200);
});
