// Offline checks of a stopped data directory: `journal verify` (every record's checksum, the
// high-water mark, the newest snapshot), `journal repair` (the explicit cut of damage a refusal
// named) and `snapshot` (write a snapshot at the journal's end). Long runs show a progress bar.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repairDataDir, snapshotDataDir, verifyDataDir } from '@bourse/core';
import { progressBar } from './progress-bar.ts';
import { DATA_DIR_HELP } from './help-texts.ts';

function dataDirOf(argv: string[]): { dataDir: string; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string', default: './data' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  return { dataDir: resolve(values['data-dir']), help: values.help === true };
}

export async function journalCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'repair') return repairCommand(rest);
  const { dataDir, help } = dataDirOf(sub === '--help' || sub === '-h' ? argv : rest);
  if (help || sub !== 'verify') {
    process.stdout.write(DATA_DIR_HELP);
    return help ? 0 : 2;
  }
  const bar = progressBar('verify');
  const report = verifyDataDir(dataDir, (done, total) => bar.update(done, total));
  bar.end();
  const j = report.journal;
  const mark = j.highWaterSeq === 0 ? 'none' : `seq ${j.highWaterSeq}`;
  process.stdout.write(
    `journal: ${j.records} records, seq ${j.firstSeq}..${j.lastSeq}, ${j.segments} segment(s)` +
      (j.tornTailBytes > 0 ? `, torn write of ${j.tornTailBytes} bytes (cut on next start)` : '') +
      `\nhigh-water mark: ${mark}${j.cleanStop ? ' (clean stop)' : ''}` +
      `\nsnapshot: ${report.snapshotSeq === undefined ? 'none' : `seq ${report.snapshotSeq}`}\n`,
  );
  if (!j.ok) {
    const e = j.error;
    const what = e === undefined ? 'CORRUPT' : DAMAGE_TITLES[e.kind];
    process.stdout.write(
      `${what}${e === undefined ? '' : `: ${e.segment} at offset ${e.offset}, seq ${e.seq}: ${e.message}`}\n`,
    );
    if (e !== undefined) {
      process.stdout.write(
        `the server will not start; to drop seq ${e.seq} and everything after it: ` +
          `bourse journal repair --data-dir ${dataDir} --truncate-at ${e.seq}\n`,
      );
    }
    return 1;
  }
  process.stdout.write('ok\n');
  return 0;
}

const DAMAGE_TITLES = {
  'damaged-record': 'DAMAGED RECORD',
  'lost-tail': 'LOST TAIL',
  corrupt: 'CORRUPT',
} as const;

async function repairCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string', default: './data' },
      'truncate-at': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(DATA_DIR_HELP);
    return 0;
  }
  const seq = Number(values['truncate-at']);
  if (values['truncate-at'] === undefined || !Number.isSafeInteger(seq) || seq < 1) {
    process.stderr.write(
      'bourse journal repair: --truncate-at <seq> (a positive integer) is required\n',
    );
    return 2;
  }
  const r = await repairDataDir(resolve(values['data-dir']), seq);
  const j = r.journal;
  process.stdout.write(
    `cut the journal at seq ${j.cutFromSeq} (${j.droppedRecords} record(s) dropped); ` +
      (j.filledToSeq >= j.cutFromSeq
        ? `seqs ${j.cutFromSeq}..${j.filledToSeq} hold no-op ticks\n`
        : 'nothing to fill\n') +
      `snapshots removed: ${r.snapshotsRemoved}; read models ` +
      `${r.readModelsSetAside ? 'set aside, rebuilt at the next start' : 'absent'}\n` +
      (r.checkpointsSetAside === undefined
        ? ''
        : `audit checkpoints that signed cut records: kept as journal/${r.checkpointsSetAside} ` +
          '(they no longer match; keep them with this report)\n'),
  );
  return 0;
}

export async function snapshotCommand(argv: string[]): Promise<number> {
  const { dataDir, help } = dataDirOf(argv);
  if (help) {
    process.stdout.write(DATA_DIR_HELP);
    return 0;
  }
  const bar = progressBar('snapshot');
  const r = await snapshotDataDir(dataDir, (p) => bar.update(p.seq, p.lastSeq));
  bar.end();
  process.stdout.write(`snapshot at seq ${r.seq} (${r.bytes} bytes), state hash ${r.hash}\n`);
  return 0;
}
