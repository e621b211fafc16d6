// Which relation each WAL record of a run touched, and what kind of record it was: `pg_waldump` over
// the run's LSN range, its records counted by (relation, record type) and the relations named from
// `pg_class`. Says which table or index a change to the write path took records from.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';

const run = promisify(execFile);

/** Where a run starts: the server's current WAL position and data directory. */
export interface WalStart {
  readonly admin: pg.Client;
  readonly lsn: string;
  readonly dataDir: string;
}

/** The server's current WAL position, when there is a server of the bench's own to ask. */
export async function walStart(admin: pg.Client | undefined): Promise<WalStart | undefined> {
  if (admin === undefined) return undefined;
  const { rows } = await admin.query<{ lsn: string; dir: string }>(
    "select pg_current_wal_lsn()::text as lsn, current_setting('data_directory') as dir",
  );
  return { admin, lsn: rows[0]!.lsn, dataDir: rows[0]!.dir };
}

/**
 * Records per command from `from` to now by "relation record-type" (`orders Heap/HOT_UPDATE`), most
 * first; records that name no relation (commits, …) are counted under their type alone.
 */
export async function walByRelation(
  bin: string,
  from: WalStart,
  commands: number,
): Promise<Record<string, number>> {
  const admin = from.admin;
  const to = (await walStart(admin))!.lsn;
  const { stdout } = await run(
    join(bin, 'pg_waldump'),
    ['-p', join(from.dataDir, 'pg_wal'), '-s', from.lsn, '-e', to],
    { maxBuffer: 1 << 30 },
  );
  const { rows } = await admin.query<{ node: string; name: string }>(
    'select pg_relation_filenode(oid)::text as node, relname as name from pg_class ' +
      'where pg_relation_filenode(oid) is not null',
  );
  const names = new Map(rows.map((r) => [r.node, r.name]));
  const counts = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    const m = /rmgr: (\w+)\s.*?desc: (\w+)/.exec(line);
    if (m === null) continue;
    const rel = /rel \d+\/\d+\/(\d+)/.exec(line)?.[1];
    const key = `${rel === undefined ? '' : `${names.get(rel) ?? rel} `}${m[1]}/${m[2]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Object.fromEntries(
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => [k, Number((n / commands).toFixed(3))])
      .filter(([, n]) => (n as number) >= 0.005),
  );
}
