// The history side of a clustered gateway: the PostgreSQL read models that the projector writes, read
// here only. `waitFor(seq)` lets a history read wait until the projector has stored a command the
// gateway already acknowledged; it polls the stored seq (one cheap query per interval, and only while
// someone waits) because the writer is another process.

import pg from 'pg';
import {
  openPostgresReadModels,
  type PostgresConnection,
  type ReadModels,
} from '@bourse/projections';

export type RemoteReadModels = ReadModels & { waitFor(seq: number): Promise<void> };

export interface PgReadSideOptions {
  readonly feeAccountId?: number;
  /** Pause between two looks at the stored seq while a reader waits (default 10 ms). */
  readonly pollMs?: number;
}

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export async function openPgReadSide(
  connection: PostgresConnection,
  options: PgReadSideOptions = {},
): Promise<RemoteReadModels> {
  const models = await openPostgresReadModels(connection, {
    feeAccountId: options.feeAccountId ?? 0,
    readOnly: true,
  });
  // The read models remember the seq they stored themselves; another process's progress is read here.
  const config = typeof connection === 'string' ? { connectionString: connection } : connection;
  const pool = new pg.Pool({ connectionTimeoutMillis: 10_000, keepAlive: true, ...config, max: 1 });
  pool.on('error', () => {}); // an idle connection lost; the next poll opens another
  const storedSeq = async () => {
    const r = await pool.query('SELECT last_seq FROM projection_state WHERE id = 1');
    return Number(r.rows[0]?.last_seq ?? 0);
  };
  return readOnlyWithWait(models, storedSeq, options.pollMs ?? 10, () => pool.end());
}

/** The read models without `apply` (only the projector writes), with a polling `waitFor`. */
export function readOnlyWithWait(
  models: ReadModels,
  storedSeq: () => Promise<number>,
  pollMs: number,
  onClose: () => Promise<void>,
): RemoteReadModels {
  let stored = 0;
  let waiters: Waiter[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const poll = async () => {
    timer = undefined;
    try {
      stored = Math.max(stored, await storedSeq());
    } catch (error) {
      // A failed look is retried on the next tick; the waiter's own deadline bounds the wait.
      void error;
    }
    const still: Waiter[] = [];
    for (const w of waiters) {
      if (w.seq <= stored) w.resolve();
      else if (closed) w.reject(new Error('the read models are closed'));
      else still.push(w);
    }
    waiters = still;
    if (waiters.length > 0 && !closed) timer = setTimeout(poll, pollMs);
  };
  const waitFor = (seq: number): Promise<void> => {
    if (seq <= stored) return Promise.resolve();
    if (closed) return Promise.reject(new Error('the read models are closed'));
    return new Promise((resolve, reject) => {
      waiters.push({ seq, resolve, reject });
      if (timer === undefined) timer = setTimeout(poll, 0);
    });
  };
  const overrides: Record<PropertyKey, unknown> = {
    waitFor,
    lastAppliedSeq: async () => (stored = Math.max(stored, await storedSeq())),
    apply: () => Promise.reject(new Error('the projector is the only writer of the read models')),
    close: async () => {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const w of waiters) w.reject(new Error('the read models are closed'));
      waiters = [];
      await models.close();
      await onClose();
    },
  };
  return new Proxy(models, {
    get(target, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as RemoteReadModels;
}
