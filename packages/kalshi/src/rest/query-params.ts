// Query-string parameters as Kalshi sends them (`limit`, `cursor`, unix-second timestamps, comma lists)
// checked at the edge: a malformed value is a 400 `invalid_parameters`, never a silent default.

import { KalshiError } from '../kalshi-error.ts';

export function intParam(
  q: Record<string, string>,
  name: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const raw = q[name];
  if (raw === undefined || raw === '') return undefined;
  const n = /^-?[0-9]{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new KalshiError('invalid_parameters', `${name} must be an integer in ${min}..${max}.`);
  }
  return n;
}

export function limitParam(q: Record<string, string>, fallback: number, max: number): number {
  return intParam(q, 'limit', 1, max) ?? fallback;
}

export function boolParam(q: Record<string, string>, name: string): boolean {
  const raw = q[name];
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new KalshiError('invalid_parameters', `${name} must be true or false.`);
}

export function csvParam(q: Record<string, string>, name: string): string[] | undefined {
  const raw = q[name];
  if (raw === undefined || raw === '') return undefined;
  return raw.split(',').filter((s) => s !== '');
}

export function strParam(q: Record<string, string>, name: string): string | undefined {
  const raw = q[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

/** A cursor over a list sorted by a string key: the opaque form of "after this key". */
export function encodeKeyCursor(key: string): string {
  return Buffer.from(`k:${key}`).toString('base64url');
}

export function decodeKeyCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('k:')) throw new KalshiError('invalid_parameters', 'Unknown cursor.');
  return text.slice(2);
}

/** One page of a key-sorted list after the cursor; `cursor` is "" on the last page. */
export function keyPage<T>(
  items: readonly T[],
  key: (t: T) => string,
  cursor: string | undefined,
  limit: number,
): { items: T[]; cursor: string } {
  const after = decodeKeyCursor(cursor);
  const rest = after === undefined ? [...items] : items.filter((t) => key(t) > after);
  const page = rest.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page,
    cursor: rest.length > limit && last !== undefined ? encodeKeyCursor(key(last)) : '',
  };
}

/** Read-model pages end with an absent cursor; Kalshi ends with "". */
export function kalshiCursor(next: string | undefined): string {
  return next ?? '';
}
