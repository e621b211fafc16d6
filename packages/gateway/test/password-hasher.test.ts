// Password hashing runs on its own thread from a bounded queue: a burst of checks never holds libuv's
// thread pool, so the journal's writes and the signature checks that use it go first; a full queue, or
// a job that waited past its deadline, is refused with OVERLOADED rather than held.

import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { test } from 'node:test';
import { PasswordHasher } from '../src/auth/password-hasher.ts';
import { hashPassword, verifyPassword } from '../src/auth/password-hash.ts';
import { verifySignatureOffThread } from '../src/auth/request-signature.ts';

test('a burst of password checks does not hold up the thread pool', async () => {
  const stored = await hashPassword('the right one');
  const order: string[] = [];
  const checks = Array.from({ length: 8 }, (_, i) =>
    verifyPassword(`wrong ${i}`, stored).then(() => order.push(`password ${i}`)),
  );
  // Work that uses libuv's pool: file system calls (the journal's writes) and signature checks.
  const ed = generateKeyPairSync('ed25519');
  const message = Buffer.from('1700000000000GET/api/v1/account');
  const pool = [
    ...Array.from({ length: 4 }, (_, i) => stat('.').then(() => order.push(`fs ${i}`))),
    verifySignatureOffThread(
      ed.publicKey,
      'ed25519',
      message,
      sign(null, message, ed.privateKey),
    ).then((ok) => order.push(`signature ${ok}`)),
    new Promise<void>((resolve) => randomBytes(16, () => resolve())).then(() =>
      order.push('random'),
    ),
  ];
  await Promise.all([...checks, ...pool]);
  // On the thread pool the jobs behind the hashes would wait for four of them (the pool's size) at
  // least; on the hashing thread they finish while the first hash or two are still running.
  const lastPoolJob = Math.max(...order.map((x, i) => (x.startsWith('password') ? -1 : i)));
  const hashesBefore = order.slice(0, lastPoolJob).filter((x) => x.startsWith('password')).length;
  assert.ok(hashesBefore <= 1, `the pool waited for the hashes: ${order.join(', ')}`);
  assert.ok(order.includes('signature true'));
});

test('a full queue refuses at once with OVERLOADED', async (t) => {
  const hasher = new PasswordHasher({ maxQueued: 2 });
  t.after(() => hasher.close());
  const params = { n: 16_384, r: 8, p: 1 };
  const salt = randomBytes(16);
  const jobs = Array.from({ length: 3 }, (_, i) => hasher.derive(`p${i}`, salt, params, 32));
  await assert.rejects(hasher.derive('one too many', salt, params, 32), { code: 'OVERLOADED' });
  const keys = await Promise.all(jobs);
  assert.ok(keys.every((k) => k.length === 32));
  assert.equal(hasher.completed, 3);
});

test('a job that could not start before its deadline is refused, not held', async (t) => {
  const hasher = new PasswordHasher({ maxWaitMs: 5 });
  t.after(() => hasher.close());
  const params = { n: 16_384, r: 8, p: 1 };
  const salt = randomBytes(16);
  const first = hasher.derive('first', salt, params, 32);
  const second = hasher.derive('second', salt, params, 32);
  assert.equal((await first).length, 32);
  await assert.rejects(second, { code: 'OVERLOADED' });
});

test('the same password and salt give the same key on the thread as scrypt does here', async (t) => {
  const { scryptSync } = await import('node:crypto');
  const hasher = new PasswordHasher();
  t.after(() => hasher.close());
  const salt = randomBytes(16);
  const key = await hasher.derive('pw', salt, { n: 1_024, r: 8, p: 1 }, 32);
  assert.deepEqual(key, scryptSync('pw', salt, 32, { N: 1_024, r: 8, p: 1 }));
});
