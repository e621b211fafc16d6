// How far the read models trail the acknowledged orders during a load run: every 50 ms, the age of
// the newest command the projector has stored (`projection_state.last_ts`, the leader's clock, which
// is this machine's) on the wall clock. A history read waits for the read models to hold what was
// acknowledged before it, so this is what such a read waits after an order at worst: the projector's
// hold, its transaction, and the log's way to it.

import pg from 'pg';
import { nearestRank } from '../../apps/bourse/src/loadtest/latency-recorder.ts';

export class ReadModelLag {
  readonly #client: pg.Client;
  readonly #ages: number[] = [];
  #timer: NodeJS.Timeout | undefined;
  #polling = false;

  private constructor(client: pg.Client) {
    this.#client = client;
  }

  /** Starts sampling; undefined when the database does not answer. */
  static async start(pgUrl: string): Promise<ReadModelLag | undefined> {
    const client = new pg.Client({ connectionString: pgUrl });
    try {
      await client.connect();
    } catch {
      return undefined;
    }
    const lag = new ReadModelLag(client);
    lag.#timer = setInterval(() => void lag.#sample(), 50);
    return lag;
  }

  async #sample(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      const { rows } = await this.#client.query<{ ts: string }>(
        'select last_ts as ts from projection_state where id = 1',
      );
      const ts = Number(rows[0]?.ts ?? 0);
      if (ts > 0) this.#ages.push(Date.now() - ts);
    } catch {
      // A missed sample; the next one is 50 ms away.
    } finally {
      this.#polling = false;
    }
  }

  /** Stops sampling (call as the load stops, so an idle tail does not count). */
  stop(): void {
    clearInterval(this.#timer);
    void this.#client.end().catch(() => {});
  }

  /** "read models' lag behind the log (age of the newest stored command, 120 samples): p50 …". */
  note(label: string): string | undefined {
    const ages = [...this.#ages].sort((a, b) => a - b);
    if (ages.length === 0) return undefined;
    const at = (p: number) => `${nearestRank(ages, p).toFixed(0)} ms`;
    return (
      `${label}, the read models' lag behind the log (age of the newest stored command, sampled ` +
      `every 50 ms, ${ages.length} samples): p50 ${at(0.5)}, p90 ${at(0.9)}, p99 ${at(0.99)}, ` +
      `max ${ages.at(-1)!.toFixed(0)} ms`
    );
  }
}
