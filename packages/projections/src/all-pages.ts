// Follows a paginated query's cursors to the end, for consumers that need a whole list (reconciliation,
// exports, tests). Bounded, so a cursor bug ends in an error instead of an endless loop.

import type { Page } from './read-models.ts';

export async function allPages<T>(
  fetch: (cursor: string | undefined) => Promise<Page<T>>,
  maxPages = 100_000,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await fetch(cursor);
    out.push(...page.items);
    if (page.nextCursor === undefined) return out;
    cursor = page.nextCursor;
  }
  throw new Error(`pagination did not end within ${maxPages} pages`);
}
