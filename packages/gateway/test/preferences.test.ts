// A person's chart indicators are kept by the server: nothing saved reads as `saved: false`; a save
// reads back the same from another client of the same user (and is in the auth store's file, so a
// restart keeps it), never from another user's; a malformed selection is refused (VALIDATION_FAILED) and
// changes nothing; a read-only key may read but not save.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AuthStore } from '../src/index.ts';
import { refusal } from './support/refusal.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

const PATH = '/api/v1/account/preferences/chart';
let ex: TestExchange;
let tess: TestUser;
let vic: TestUser;

before(async () => {
  ex = await startTestExchange();
  tess = await ex.addUser('tess', 'trader');
  vic = await ex.addUser('vic', 'viewer');
});
after(() => ex.close());

interface View {
  saved: boolean;
  indicators: { id: string; params: Record<string, number> }[];
  updatedAt: number | null;
}

test('nothing saved reads as not saved; a save reads back, for this user only', async () => {
  const empty = (await tess.rest.request('GET', PATH)) as View;
  assert.deepEqual(empty, { saved: false, indicators: [], updatedAt: null });
  const indicators = [
    { id: 'rsi', params: { n: 7 } },
    { id: 'macd', params: { fast: 5, slow: 26, signal: 9 } },
    { id: 'obv', params: {} },
  ];
  const saved = (await tess.rest.request('PUT', PATH, { indicators })) as View;
  assert.equal(saved.saved, true);
  assert.deepEqual(saved.indicators, indicators);
  const again = (await tess.rest.request('GET', PATH)) as View;
  assert.deepEqual(again.indicators, indicators);
  assert.equal(typeof again.updatedAt, 'number');
  // Another user's chart is their own.
  assert.equal(((await ex.admin.rest.request('GET', PATH)) as View).saved, false);
  // The store's file holds it: a store opened on it again (as after a restart) reads it back.
  const reopened = new AuthStore(join(ex.dataDir, 'auth.db'));
  try {
    const row = await reopened.preference(tess.userId, 'chart');
    assert.deepEqual(JSON.parse(row?.value ?? 'null'), { indicators });
  } finally {
    await reopened.close();
  }
});

test('a malformed selection is refused and changes nothing', async () => {
  const before = (await tess.rest.request('GET', PATH)) as View;
  const bad: [string, unknown][] = [
    ['id with spaces', { indicators: [{ id: 'not an id', params: {} }] }],
    ['non-number parameter', { indicators: [{ id: 'rsi', params: { n: 'seven' } }] }],
    ['unknown field', { indicators: [{ id: 'rsi', params: {}, colour: 'red' }] }],
    ['too many', { indicators: Array.from({ length: 13 }, () => ({ id: 'sma', params: {} })) }],
    ['no list', {}],
  ];
  for (const [what, body] of bad) {
    const r = await refusal(tess.rest.request('PUT', PATH, body));
    assert.deepEqual(r, { status: 400, code: 'VALIDATION_FAILED' }, what);
  }
  assert.deepEqual(await tess.rest.request('GET', PATH), before);
});

test('a read-only key reads the settings but cannot change them', async () => {
  assert.equal(((await vic.rest.request('GET', PATH)) as View).saved, false);
  const r = await refusal(vic.rest.request('PUT', PATH, { indicators: [] }));
  assert.deepEqual(r, { status: 403, code: 'FORBIDDEN' });
  assert.equal(((await vic.rest.request('GET', PATH)) as View).saved, false);
});
