// Opaque pagination cursors: base64url of the JSON array of the last returned row's key. Clients must
// not build them; a cursor that does not decode to the expected number of safe integers or strings is
// refused with the stable code INVALID_CURSOR rather than silently restarting the list.

import { InvalidQueryError } from './invalid-query-error.ts';

export type CursorKey = readonly (number | string)[];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The type of each part of a cursor key. */
export type CursorShape = readonly ('int' | 'str')[];

/** Decodes a cursor whose key matches `shape`: safe integers and strings in that order. */
export function decodeCursor(cursor: string, shape: CursorShape): CursorKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.length === shape.length &&
    shape.every((t, i) =>
      t === 'int' ? Number.isSafeInteger(parsed[i]) : typeof parsed[i] === 'string',
    );
  if (!ok) throw new InvalidQueryError('INVALID_CURSOR', 'cursor is not valid');
  return parsed as CursorKey;
}

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

/** The page size to use: the default when absent, refused when not an integer in 1..MAX_PAGE_LIMIT. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new InvalidQueryError(
      'INVALID_LIMIT',
      `limit must be an integer in 1..${MAX_PAGE_LIMIT}`,
    );
  }
  return limit;
}
