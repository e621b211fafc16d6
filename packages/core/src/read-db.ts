// Where the embedded core keeps its read models: the data directory's SQLite file (the default), or a
// PostgreSQL database (`bourse serve --read-db postgres://…`). A plain description, because the
// read-model thread opens it too and only data crosses into a worker; `openReadDb` is the one factory
// both threads use.

import { openPostgresReadModels, openSqliteReadModels, type ReadModels } from '@bourse/projections';

export type ReadDb =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string };

export function openReadDb(db: ReadDb, feeAccountId: number): Promise<ReadModels> {
  return db.kind === 'sqlite'
    ? openSqliteReadModels(db.path, { feeAccountId })
    : openPostgresReadModels(db.url, { feeAccountId });
}

/** What the operator names it in messages (never the password of a URL). */
export function describeReadDb(db: ReadDb): string {
  if (db.kind === 'sqlite') return db.path;
  try {
    const url = new URL(db.url);
    url.password = '';
    return url.toString();
  } catch {
    return 'the PostgreSQL read-model database';
  }
}
