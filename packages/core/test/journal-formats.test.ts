// Journals written in JSON (every journal before the binary layout), in the binary layout, and both
// mixed record by record replay to the same state: the same state hash offline (`bourse replay`), on a
// core's start (the engine worker's replay) and in a time-travel read, from a seeded stream of good
// and bad commands (bad ones carry values the binary layout cannot hold, so they travel as JSON).
// A failure names the seed: `SEED=<seed> node --test <this file>`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Command, Engine, RECORD_BINARY, RECORD_JSON } from '@bourse/engine';
import { FileJournal } from '@bourse/journal';
import { CommandGenerator } from '../../engine/test/support/command-generator.ts';
import { Prng, seedFromEnv } from '../../engine/test/support/prng.ts';
import { encodeCommandJson, encodeCommandRecord } from '../src/command-codec.ts';
import { dataDirLayout, ensureDataDir, resolveEngineConfig } from '../src/data-dir.ts';
import { engineAt, replayDataDir, withDataDirHistory } from '../src/index.ts';
import { openCore } from './fixtures/open-core.ts';
import { tempDataDir } from './fixtures/temp-dir.ts';

const SEED = seedFromEnv(20_261_207);
const COMMANDS = 6_000;
const CONFIG = { feeAccountId: 0, maxOpenOrdersPerAccount: 150 };

type Format = 'json' | 'binary' | 'mixed';

function record(command: Command, format: Format): Uint8Array {
  const json = format === 'json' || (format === 'mixed' && command.seq % 2 === 0);
  return json ? encodeCommandJson(JSON.stringify(command)) : encodeCommandRecord(command);
}

/** The seeded stream and the state hash a live engine reached on it. */
function simulate(): { commands: Command[]; hash: string } {
  const engine = new Engine(CONFIG);
  const gen = new CommandGenerator(new Prng(SEED), 24, 4, 2);
  gen.fundsOf = (accountId, assetId) => engine.balance(accountId, assetId).available;
  const commands: Command[] = [];
  for (let i = 0; i < COMMANDS; i++) {
    const { command } = gen.next();
    gen.observe(engine.apply(command));
    commands.push(command);
  }
  return { commands, hash: engine.stateHash() };
}

async function writeDataDir(dir: string, commands: readonly Command[], format: Format) {
  const layout = dataDirLayout(dir);
  ensureDataDir(layout);
  resolveEngineConfig(layout, CONFIG);
  const { journal } = await FileJournal.open(layout.journalDir);
  const formats = new Map<number, number>();
  try {
    for (const command of commands) {
      const payload = record(command, format);
      formats.set(payload[0]!, (formats.get(payload[0]!) ?? 0) + 1);
      journal.append(command.seq, payload);
      if (command.seq % 500 === 0) await journal.commit();
    }
    await journal.commit();
  } finally {
    await journal.close();
  }
  return formats;
}

test('JSON, binary and mixed journals replay to the same state hash everywhere', async (t) => {
  const { commands, hash } = simulate();
  const last = commands.at(-1)!.seq;
  for (const format of ['json', 'binary', 'mixed'] as const) {
    const dir = tempDataDir(t);
    const formats = await writeDataDir(dir, commands, format);
    if (format === 'json') assert.deepEqual([...formats.keys()], [RECORD_JSON]);
    if (format !== 'json') {
      // Most commands fit the layout; the generator's bad ones fall back to JSON.
      assert.ok(formats.get(RECORD_BINARY)! > (format === 'mixed' ? 0.4 : 0.8) * commands.length);
    }
    const offline = await replayDataDir(dir);
    assert.deepEqual({ seq: offline.seq, hash: offline.hash }, { seq: last, hash }, format);
    assert.deepEqual(offline.violations, []);
    const middle = Math.floor(last / 2);
    const at = await withDataDirHistory(dir, (source) => engineAt(source, { seq: middle }));
    const reference = new Engine(CONFIG);
    for (const command of commands.slice(0, middle)) reference.apply(command);
    assert.equal(at.engine.stateHash(), reference.stateHash(), `${format} at seq ${middle}`);
    const core = await openCore(t, { dataDir: dir, ticking: false });
    assert.deepEqual(await core.query.stateHash(), { seq: last, hash }, `${format} on start`);
    await core.close();
  }
});
