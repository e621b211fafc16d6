// Slow, salted password hashes with scrypt. The stored form names its parameters so they can be raised
// later without breaking old hashes: `scrypt$N$r$p$salt$hash` (salt and hash in base64). Hashes run on
// the password hashing thread (`password-hasher.ts`), never on libuv's thread pool.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { passwordHasher } from './password-hasher.ts';

const N = 16_384;
const R = 8;
const P = 1;
const KEY_LEN = 32;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return passwordHasher.derive(password, salt, { n, r, p }, KEY_LEN);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}
