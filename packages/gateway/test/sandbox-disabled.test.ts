// Production mode refuses every sandbox endpoint: an exchange not started with `--sandbox` answers
// each route of SANDBOX_ROUTES (the one list, so endpoints added later are covered too) with 404
// SANDBOX_DISABLED, to anyone, admins included, and documents none of them; its status says it is
// not a sandbox.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SANDBOX_ROUTES } from '../src/index.ts';
import { startTestExchange, type TestExchange } from './support/test-exchange.ts';

let ex: TestExchange;

before(async () => {
  ex = await startTestExchange();
});
after(() => ex.close());

/** A concrete path for a route's pattern (`:param` segments get a plausible value). */
const concrete = (path: string) => path.replace(/:[A-Za-z]+/g, '1');

test('the sandbox route list is not empty and every path is under /api/v1/sandbox', () => {
  assert.ok(SANDBOX_ROUTES.length >= 7);
  for (const r of SANDBOX_ROUTES) assert.match(r.path, /^\/api\/v1\/sandbox\//);
});

test('every sandbox endpoint answers 404 SANDBOX_DISABLED, signed by an admin or not at all', async () => {
  for (const r of SANDBOX_ROUTES) {
    const path = concrete(r.path);
    const body = r.method === 'GET' ? undefined : JSON.stringify({ ms: 1000 });
    const headers = body === undefined ? {} : { 'content-type': 'application/json' };
    const anonymous = await fetch(`${ex.baseUrl}${path}`, {
      method: r.method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    assert.equal(anonymous.status, 404, `${r.method} ${path}`);
    const answer = (await anonymous.json()) as { error: { code: string; message: string } };
    assert.equal(answer.error.code, 'SANDBOX_DISABLED', `${r.method} ${path}`);
    assert.match(answer.error.message, /--sandbox/);
    await assert.rejects(
      ex.admin.rest.request(r.method, path, r.method === 'GET' ? undefined : { ms: 1000 }),
      { status: 404, code: 'SANDBOX_DISABLED' },
      `${r.method} ${path} as admin`,
    );
  }
});

test('the exchange says it is no sandbox and documents no sandbox endpoint', async () => {
  const status = (await (await fetch(`${ex.baseUrl}/api/v1/exchange/status`)).json()) as {
    sandbox: boolean;
    clock?: unknown;
  };
  assert.equal(status.sandbox, false);
  assert.equal(status.clock, undefined);
  const doc = (await (await fetch(`${ex.baseUrl}/openapi.json`)).json()) as {
    paths: Record<string, unknown>;
  };
  assert.ok(Object.keys(doc.paths).length > 10);
  assert.deepEqual(
    Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/sandbox')),
    [],
  );
});
