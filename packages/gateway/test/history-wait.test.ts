// History reads wait for the read models to hold every acknowledged command (read-your-writes), but not
// forever: when the read models stay behind past the gateway's bound (they run at idle priority and can
// fall seconds behind under sustained overload), the read is answered 503 HISTORY_BEHIND with
// Retry-After, counted in a metric, and the same read succeeds once they catch up.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestExchange, type TestExchange } from './support/test-exchange.ts';
import { metricValue } from './support/test-sockets.ts';

let ex: TestExchange;

before(async () => {
  ex = await startTestExchange({ historyWaitMs: 200 });
});
after(() => ex.close());

test('a history read refused after the wait bound while the read models are behind', async () => {
  const u = await ex.addUser('hist', 'trader');
  const fills = () =>
    fetch(`${ex.baseUrl}/api/v1/portfolio/fills`, {
      headers: u.rest.authHeaders('GET', '/api/v1/portfolio/fills'),
    });
  assert.equal((await fills()).status, 200);

  // The read models are made to look far behind: every read now waits for a command they have not
  // stored (the core reports a durable seq a million commands ahead of theirs).
  const core = ex.gateway.services.core;
  const durable = core.durableSeq;
  Object.defineProperty(core, 'durableSeq', { configurable: true, get: () => durable + 1_000_000 });
  const before = await metricValue(ex.baseUrl, 'bourse_history_wait_timeouts_total');
  const started = Date.now();
  const refused = await fills();
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('retry-after'), '1');
  const body = (await refused.json()) as { error: { code: string } };
  assert.equal(body.error.code, 'HISTORY_BEHIND');
  assert.ok(Date.now() - started >= 190, 'answered before the wait bound');
  assert.equal(await metricValue(ex.baseUrl, 'bourse_history_wait_timeouts_total'), before + 1);

  // Caught up again (the core's own durable seq): the same read succeeds.
  delete (core as { durableSeq?: number }).durableSeq;
  assert.equal(core.durableSeq, durable);
  assert.equal((await fills()).status, 200);
});
