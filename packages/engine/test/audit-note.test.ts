// An audit note journals an action taken outside the engine (an auth-store change) with who did it:
// accepted, it emits nothing and leaves the state exactly as a tick at the same time would (the same
// state hash); malformed, it is refused with INVALID_FIELD naming the field, and changes nothing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectReject } from './support/expect.ts';
import { lim, market } from './support/order-fixtures.ts';

const note = {
  type: 'auditNote',
  actor: 7,
  action: 'user.role',
  subject: 'user:12',
  detail: 'trader -> admin',
} as const;

test('an accepted note changes nothing a tick would not', () => {
  const noted = market();
  const ticked = market();
  for (const h of [noted, ticked]) h.ok(lim(1, 'buy', 4000, 100));
  assert.deepEqual(noted.must(note), []);
  assert.deepEqual(ticked.must({ type: 'tick' }), []);
  assert.equal(noted.engine.stateHash(), ticked.engine.stateHash());
  assert.equal(noted.engine.lastSeq, ticked.engine.lastSeq);
});

test('a malformed note is refused with the field named', () => {
  const h = market();
  for (const bad of [
    { ...note, actor: -1 },
    { ...note, actor: 1.5 },
    { ...note, action: '' },
    { ...note, action: 'Role Change' },
    { ...note, action: 'a'.repeat(65) },
    { ...note, subject: '' },
    { ...note, subject: 'x'.repeat(257) },
    { ...note, detail: 'x'.repeat(1025) },
    { ...note, detail: 42 as unknown as string },
  ]) {
    expectReject(h, bad, 'INVALID_FIELD');
  }
});
