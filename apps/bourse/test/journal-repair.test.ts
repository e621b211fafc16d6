// `bourse journal verify` names tail damage the way a start refuses it, and `bourse journal repair`
// is the explicit step past it: a tail cut after a clean stop is reported as a lost tail with the
// command that repairs it, and after the repair the journal verifies (its chain too, the checkpoints
// that signed the cut records set aside) and the server's data opens.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { BOURSE_MAIN } from '../src/cluster/spawn-ready.ts';

const run = promisify(execFile);
const main = BOURSE_MAIN;

async function bourse(...args: string[]): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await run(process.execPath, [main, ...args], { timeout: 60_000 });
    return { stdout, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; code: number };
    return { stdout: e.stdout, code: e.code };
  }
}

test('verify reports a lost tail with its repair; repair fills it and verify is ok', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-repair-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const d = ['--data-dir', dir];
  for (const code of ['USD', 'EUR']) {
    const created = await bourse('asset', 'create', '--code', code, '--scale', '100', ...d);
    assert.equal(created.code, 0, created.stdout);
  }
  const clean = await bourse('journal', 'verify', ...d);
  assert.equal(clean.code, 0);
  assert.match(clean.stdout, /high-water mark: seq 2 \(clean stop\)/);

  const journal = join(dir, 'journal');
  const [segment] = readdirSync(journal).filter((n) => n.endsWith('.seg'));
  const path = join(journal, segment!);
  truncateSync(path, statSync(path).size - 10); // the second record loses its end
  const lost = await bourse('journal', 'verify', ...d);
  assert.equal(lost.code, 1);
  assert.match(lost.stdout, /LOST TAIL: .*seq 2/);
  assert.match(lost.stdout, new RegExp(`bourse journal repair --data-dir ${dir} --truncate-at 2`));

  const repaired = await bourse('journal', 'repair', ...d, '--truncate-at', '2');
  assert.equal(repaired.code, 0, repaired.stdout);
  assert.match(repaired.stdout, /seqs 2\.\.2 hold no-op ticks/);
  // The checkpoints that signed the cut record no longer match: kept aside, the audit verifies.
  assert.match(
    repaired.stdout,
    /audit checkpoints that signed cut records: kept as journal\/\S+repaired-/,
  );
  const audited = await bourse('audit', 'verify', ...d);
  assert.equal(audited.code, 0, audited.stdout);
  const after = await bourse('journal', 'verify', ...d);
  assert.equal(after.code, 0, after.stdout);
  assert.match(after.stdout, /seq 1\.\.2/);
  const replay = await bourse('replay', ...d);
  assert.match(replay.stdout, /invariants hold/);
});
