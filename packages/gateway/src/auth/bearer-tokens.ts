// Short-lived bearer tokens for programs: a signed API-key request mints one, later requests present it
// instead of a per-request signature (verifying a signature costs far more than hashing a token). Only
// the token's SHA-256 is kept, in memory: a restart ends every token, and nothing on disk or in memory
// can be replayed as a token. Each key holds a bounded number of live tokens (oldest dropped first) and
// the whole table is bounded too. Time enters as an argument.

import { createHash, randomBytes } from 'node:crypto';
import type { Scope } from './roles.ts';

/** Live tokens per API key; minting one more drops the key's oldest. */
export const TOKENS_PER_KEY = 16;
/** Live tokens over all keys; past it, expired tokens go first, then the oldest. */
export const MAX_TOKENS = 100_000;
/** 32 random bytes in base64url: 43 characters from this alphabet. */
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export interface BearerGrant {
  readonly keyId: string;
  readonly userId: number;
  /** The key's scopes when minted; each use also intersects them with the user's current role. */
  readonly scopes: readonly Scope[];
  readonly expiresAt: number;
}

export type TokenLookup =
  | { readonly ok: true; readonly hash: string; readonly grant: BearerGrant }
  | { readonly ok: false; readonly reason: 'malformed' | 'unknown' | 'expired' };

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class BearerTokens {
  /** SHA-256 (hex) of the token → what it grants; insertion order is minting order. */
  readonly #grants = new Map<string, BearerGrant>();
  /** Key id → hashes of its live tokens, oldest first. */
  readonly #byKey = new Map<string, string[]>();
  readonly #perKey: number;
  readonly #max: number;

  constructor(perKey = TOKENS_PER_KEY, max = MAX_TOKENS) {
    this.#perKey = perKey;
    this.#max = max;
  }

  /** A new token for the grant; the raw token leaves here once and is never stored. */
  mint(grant: BearerGrant, now: number): string {
    const token = randomBytes(32).toString('base64url');
    const hash = hashToken(token);
    const hashes = (this.#byKey.get(grant.keyId) ?? []).filter((h) => this.#live(h, now));
    while (hashes.length >= this.#perKey) this.#grants.delete(hashes.shift()!);
    hashes.push(hash);
    this.#byKey.set(grant.keyId, hashes);
    this.#grants.set(hash, grant);
    if (this.#grants.size > this.#max) this.#shrink(now);
    return token;
  }

  /** Keeps a grant another gateway minted (found in the shared store), under the same limits. */
  adopt(hash: string, grant: BearerGrant, now: number): void {
    if (this.#grants.has(hash)) return;
    const hashes = (this.#byKey.get(grant.keyId) ?? []).filter((h) => this.#live(h, now));
    while (hashes.length >= this.#perKey) this.#grants.delete(hashes.shift()!);
    hashes.push(hash);
    this.#byKey.set(grant.keyId, hashes);
    this.#grants.set(hash, grant);
    if (this.#grants.size > this.#max) this.#shrink(now);
  }

  lookup(token: string, now: number): TokenLookup {
    if (!TOKEN_FORMAT.test(token)) return { ok: false, reason: 'malformed' };
    const hash = hashToken(token);
    const grant = this.#grants.get(hash);
    if (grant === undefined) return { ok: false, reason: 'unknown' };
    if (grant.expiresAt <= now) {
      this.revoke(hash);
      return { ok: false, reason: 'expired' };
    }
    return { ok: true, hash, grant };
  }

  /** Ends one token by its hash; false when it was not live. */
  revoke(hash: string): boolean {
    const grant = this.#grants.get(hash);
    if (grant === undefined) return false;
    this.#grants.delete(hash);
    const rest = (this.#byKey.get(grant.keyId) ?? []).filter((h) => h !== hash);
    if (rest.length === 0) this.#byKey.delete(grant.keyId);
    else this.#byKey.set(grant.keyId, rest);
    return true;
  }

  /** Forgets every token (a shared store still has the live ones). */
  clear(): void {
    this.#grants.clear();
    this.#byKey.clear();
  }

  /** Ends every token of a key (the key was revoked). */
  revokeKey(keyId: string): void {
    for (const hash of this.#byKey.get(keyId) ?? []) this.#grants.delete(hash);
    this.#byKey.delete(keyId);
  }

  /** Ends every token of a user (the user was disabled). */
  revokeUser(userId: number): void {
    for (const [hash, grant] of this.#grants) if (grant.userId === userId) this.revoke(hash);
  }

  /** Live (not yet swept) tokens; the table holds hashes only. */
  get size(): number {
    return this.#grants.size;
  }

  #live(hash: string, now: number): boolean {
    const grant = this.#grants.get(hash);
    if (grant !== undefined && grant.expiresAt > now) return true;
    this.#grants.delete(hash);
    return false;
  }

  #shrink(now: number): void {
    for (const [hash, grant] of this.#grants) if (grant.expiresAt <= now) this.revoke(hash);
    for (const hash of this.#grants.keys()) {
      if (this.#grants.size <= this.#max) break;
      this.revoke(hash);
    }
  }
}
