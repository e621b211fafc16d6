// Ids the gateway allocates (an instrument's, a user's account, an asset's) stay distinct when admins'
// requests arrive together: eight markets, eight users and eight assets created at once all succeed,
// each with an id of its own.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestExchange, type TestExchange } from './support/test-exchange.ts';
import { CENTS_BINARY_GRID } from '@bourse/engine';

let ex: TestExchange;

before(async () => {
  ex = await startTestExchange();
});
after(() => ex.close());

const N = 8;

test('markets created together get distinct instrument ids', async () => {
  const made = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      ex.admin.rest.request<{ instrumentId: number }>('POST', '/api/v1/admin/markets', {
        kind: 'binary',
        symbol: `RACE-${i}-YES`,
        seriesTicker: 'RACE',
        eventTicker: `RACE-${i}`,
        title: `Race ${i}`,
        settlementAssetId: 1,
        ...CENTS_BINARY_GRID,
      }),
    ),
  );
  assert.equal(new Set(made.map((m) => m.instrumentId)).size, N);
});

test('users created together get distinct accounts', async () => {
  const made = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      ex.admin.rest.request<{ accountId: number }>('POST', '/api/v1/admin/users', {
        username: `racer${i}`,
        role: 'trader',
        password: 'correct horse battery',
      }),
    ),
  );
  assert.equal(new Set(made.map((u) => u.accountId)).size, N);
});

test('assets created together get distinct ids', async () => {
  const made = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      ex.admin.rest.request<{ assetId: number }>('POST', '/api/v1/admin/assets', {
        code: `RACE${i}`,
        scale: 100,
      }),
    ),
  );
  assert.equal(new Set(made.map((a) => a.assetId)).size, N);
});
