// Offline checks of a stopped data directory: `journal verify` (every record's checksum, the newest
// snapshot), `replay` (rebuild the state from the whole journal, print its hash and invariant check)
// and `snapshot` (write a snapshot at the journal's end). Long runs show a progress bar.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { replayDataDir, snapshotDataDir, verifyDataDir } from '@bourse/sequencer';
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

export function journalCommand(argv: string[]): number {
  const [sub, ...rest] = argv;
  const { dataDir, help } = dataDirOf(sub === '--help' || sub === '-h' ? argv : rest);
  if (help || sub !== 'verify') {
    process.stdout.write(DATA_DIR_HELP);
    return help ? 0 : 2;
  }
  const bar = progressBar('verify');
  const report = verifyDataDir(dataDir, (done, total) => bar.update(done, total));
  bar.end();
  const j = report.journal;
  process.stdout.write(
    `journal: ${j.records} records, seq ${j.firstSeq}..${j.lastSeq}, ${j.segments} segment(s)` +
      (j.tornTailBytes > 0 ? `, torn tail of ${j.tornTailBytes} bytes (cut on next start)` : '') +
      `\nsnapshot: ${report.snapshotSeq === undefined ? 'none' : `seq ${report.snapshotSeq}`}\n`,
  );
  if (!j.ok) {
    const e = j.error;
    process.stdout.write(
      `CORRUPT${e === undefined ? '' : `: ${e.segment} at offset ${e.offset}: ${e.message}`}\n`,
    );
    return 1;
  }
  process.stdout.write('ok\n');
  return 0;
}

export async function replayCommand(argv: string[]): Promise<number> {
  const { dataDir, help } = dataDirOf(argv);
  if (help) {
    process.stdout.write(DATA_DIR_HELP);
    return 0;
  }
  const bar = progressBar('replay');
  const r = await replayDataDir(dataDir, (p) => bar.update(p.seq, p.lastSeq));
  bar.end();
  process.stdout.write(`seq ${r.seq}\nstate hash ${r.hash}\n`);
  if (r.violations.length > 0) {
    process.stdout.write(
      `invariant violations:\n${r.violations.map((v) => `  ${v}`).join('\n')}\n`,
    );
    return 1;
  }
  process.stdout.write('invariants hold\n');
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
