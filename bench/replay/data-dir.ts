// Builds a data directory holding the reference workload as a server would have journaled it: the
// set-up commands and the workload's commands, in JSON records (as journals were written before the
// binary codec) or binary ones, with an engine snapshot every `snapshotEvery` commands taken by an
// engine applying the same stream (as the core takes them).

import { Engine, type Command, type EngineConfig } from '@bourse/engine';
import { FileJournal, SnapshotStore } from '@bourse/journal';
import {
  dataDirLayout,
  encodeCommandJson,
  encodeCommandRecord,
  ensureDataDir,
  resolveEngineConfig,
} from '@bourse/core';

export type RecordFormat = 'json' | 'binary';

export interface BuiltDataDir {
  readonly lastSeq: number;
  readonly journalBytes: number;
  readonly snapshots: number;
  readonly hash: string;
}

/** Commits every this many records, as group commits of a busy server would. */
const COMMIT_EVERY = 8192;

export async function buildDataDir(
  dir: string,
  commands: Iterable<Command>,
  opts: {
    format: RecordFormat;
    config: EngineConfig;
    snapshotEvery: number;
    /** No snapshot after this seq (a restart then replays every command after the newest one). */
    lastSnapshotBy?: number;
  },
): Promise<BuiltDataDir> {
  const layout = dataDirLayout(dir);
  ensureDataDir(layout);
  resolveEngineConfig(layout, opts.config);
  const { journal } = await FileJournal.open(layout.journalDir);
  const store = new SnapshotStore(layout.snapshotsDir);
  const engine = new Engine(opts.config);
  let journalBytes = 0;
  let snapshots = 0;
  try {
    for (const command of commands) {
      const payload =
        opts.format === 'json'
          ? encodeCommandJson(JSON.stringify(command))
          : encodeCommandRecord(command);
      journalBytes += payload.length;
      journal.append(command.seq, payload);
      engine.apply(command);
      if (command.seq % COMMIT_EVERY === 0) await journal.commit();
      const due = opts.snapshotEvery > 0 && command.seq % opts.snapshotEvery === 0;
      if (due && command.seq <= (opts.lastSnapshotBy ?? Number.MAX_SAFE_INTEGER)) {
        await journal.commit();
        // As the core stores them: with the journal's chain hash at the snapshot's seq.
        await store.save(command.seq, engine.snapshot(), journal.chainAt(command.seq));
        snapshots++;
      }
    }
    await journal.commit();
  } finally {
    await journal.close();
  }
  return { lastSeq: engine.lastSeq, journalBytes, snapshots, hash: engine.stateHash() };
}
