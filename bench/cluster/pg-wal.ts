// What PostgreSQL's WAL does over a load run, from its own statistics (`pg_stat_wal`, PostgreSQL 14+;
// `pg_stat_bgwriter` for checkpoints), read through `psql` from the server's own binaries: records,
// full-page images and bytes per acknowledged order and per command the projector stored in the same
// span (they differ when it is behind the log), and the WAL syncs (each one a disk flush that
// queues with etcd's) per second. Backends report their counters about once a second, so the read
// after a run waits for them (the suite samples 3 s after the load ends).

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findPostgresBin } from '../../apps/bourse/src/cluster/local-postgres.ts';

const run = promisify(execFile);

export interface WalStats {
  readonly records: number;
  readonly fpi: number;
  readonly bytes: number;
  readonly writes: number;
  readonly syncs: number;
  readonly checkpoints: number;
  /** The last command the projector stored (`projection_state.last_seq`). */
  readonly storedSeq: number;
  readonly at: number;
}

const QUERY =
  'select w.wal_records, w.wal_fpi, w.wal_bytes, w.wal_write, w.wal_sync, ' +
  'b.checkpoints_timed + b.checkpoints_req, p.last_seq ' +
  'from pg_stat_wal w, pg_stat_bgwriter b, projection_state p where p.id = 1';

/** The server's WAL counters now; undefined when `psql` or the statistics are not there. */
export async function walStats(pgUrl: string): Promise<WalStats | undefined> {
  const bin = findPostgresBin();
  if (bin === undefined) return undefined;
  try {
    const { stdout } = await run(join(bin, 'psql'), [pgUrl, '-XAtq', '-F', ' ', '-c', QUERY], {
      timeout: 10_000,
    });
    const [records, fpi, bytes, writes, syncs, checkpoints, storedSeq] = stdout
      .trim()
      .split(' ')
      .map(Number);
    if (storedSeq === undefined || Number.isNaN(storedSeq)) return undefined;
    return {
      records: records!,
      fpi: fpi!,
      bytes: bytes!,
      writes: writes!,
      syncs: syncs!,
      checkpoints: checkpoints!,
      storedSeq,
      at: performance.now(),
    };
  } catch {
    return undefined;
  }
}

/** "PostgreSQL WAL at 10,000/s: 31 records, 0.4 full-page images, 4,100 B per order; 45 syncs/s …". */
export function walNote(
  label: string,
  before: WalStats | undefined,
  after: WalStats | undefined,
  orders: number,
): string | undefined {
  if (before === undefined || after === undefined) return undefined;
  const per = (k: 'records' | 'fpi' | 'bytes') => (after[k] - before[k]) / orders;
  const seconds = (after.at - before.at) / 1000;
  const rate = (k: 'writes' | 'syncs') => ((after[k] - before[k]) / seconds).toFixed(0);
  // A projector behind the log stores more or fewer commands in the window than were acknowledged.
  const stored = after.storedSeq - before.storedSeq;
  const perStored = (k: 'records' | 'bytes') =>
    ((after[k] - before[k]) / stored).toFixed(k === 'records' ? 1 : 0);
  return (
    `${label}, PostgreSQL's WAL (pg_stat_wal): per acknowledged order ${per('records').toFixed(1)} ` +
    `records, ${per('fpi').toFixed(2)} full-page images, ${per('bytes').toFixed(0)} B; ` +
    (stored > 0
      ? `per command the projector stored in the same span (${stored}) ${perStored('records')} ` +
        `records, ${perStored('bytes')} B; `
      : '') +
    `${rate('writes')} WAL writes/s and ${rate('syncs')} WAL syncs/s over ${seconds.toFixed(1)} s; ` +
    `${after.checkpoints - before.checkpoints} checkpoint(s)`
  );
}
