// Admin actions are in the journal (and so in its tamper-evident chain) with who did them: engine
// commands an admin's request leads to carry the admin's user id as `actor`, and actions in the auth
// store (a role changed, a user disabled, an API key created or revoked) are journaled as `auditNote`
// commands, which change no engine state; a trader's own commands carry no actor; the admin audit log
// shows the actor of each.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeCommandJson } from '@bourse/core';
import type { Command } from '@bourse/engine';
import { readJournal } from '@bourse/journal';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

let ex: TestExchange;
let sam: TestUser;

before(async () => {
  ex = await startTestExchange();
  sam = await ex.addUser('sam', 'trader');
  const admin = ex.admin.rest;
  await admin.request('POST', '/api/v1/admin/deposits', {
    userId: sam.userId,
    asset: 'USD',
    amount: 5_000_000,
  });
  await admin.request('PATCH', `/api/v1/admin/users/${sam.userId}`, { role: 'market-maker' });
  await admin.request('PATCH', `/api/v1/admin/users/${sam.userId}`, { disabled: true });
  await admin.request('PATCH', `/api/v1/admin/users/${sam.userId}`, { disabled: false });
  const key = await sam.rest.request<{ keyId: string }>('POST', '/api/v1/account/api-keys', {
    generate: true,
  });
  await sam.rest.request('DELETE', `/api/v1/account/api-keys/${key.keyId}`);
  await sam.rest.placeOrder({ market: ex.market, side: 'buy', priceTicks: 4_000, qtyLots: 100 });
});
after(() => ex.close());

function journaled(): Command[] {
  return [...readJournal(join(ex.dataDir, 'journal'))].map(
    (r) => JSON.parse(decodeCommandJson(r.payload)) as Command,
  );
}

test("an admin's engine commands carry the admin as actor; a trader's carry none", () => {
  const commands = journaled();
  const deposit = commands.filter((c) => c.type === 'deposit').at(-1)!;
  assert.equal(deposit.actor, ex.admin.userId);
  const market = commands.find((c) => c.type === 'createInstrument')!;
  assert.equal(market.actor, ex.admin.userId);
  const order = commands.find((c) => c.type === 'placeOrder')!;
  assert.equal(order.actor, undefined);
});

test('role changes, disabling and key creation and revocation are journaled audit notes', () => {
  const notes = journaled()
    .filter((c) => c.type === 'auditNote')
    .map((c) => (c.type === 'auditNote' ? [c.actor, c.action, c.subject, c.detail] : []));
  const subject = `user:${sam.userId}`;
  const admin = ex.admin.userId;
  assert.deepEqual(
    notes.filter((n) => n[2] === subject),
    [
      [0, 'user.create', subject, 'username=sam role=trader'],
      [admin, 'user.role', subject, 'trader -> market-maker'],
      [admin, 'user.disable', subject, undefined],
      [admin, 'user.enable', subject, undefined],
    ],
  );
  const keys = notes.filter((n) => String(n[2]).startsWith('apikey:'));
  assert.deepEqual(keys.map((n) => [n[0], n[1]]).slice(-2), [
    [sam.userId, 'apikey.create'],
    [sam.userId, 'apikey.revoke'],
  ]);
});

test('the admin audit log names who issued each administrative command', async () => {
  type Item = { commandType: string; actor: number | null; accountId: number | null };
  const page = await ex.admin.rest.request<{ items: Item[] }>(
    'GET',
    '/api/v1/admin/audit',
    undefined,
    {
      limit: 200,
    },
  );
  const deposit = page.items.find(
    (i) => i.commandType === 'deposit' && i.accountId === sam.accountId,
  );
  assert.equal(deposit?.actor, ex.admin.userId);
  const notes = page.items.filter((i) => i.commandType === 'auditNote');
  assert.ok(notes.some((n) => n.actor === ex.admin.userId));
  assert.ok(
    notes.some((n) => n.actor === sam.userId),
    'the key owner revoked their own key',
  );
  const order = page.items.find((i) => i.commandType === 'placeOrder');
  assert.equal(order?.actor, null);
});
