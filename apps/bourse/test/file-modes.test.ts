// Data files hold credentials and the whole trading history: everything the exchange and the CLI
// write in a data directory (auth.db, journal, snapshots, read models, markers) is created 0600 in
// 0700 directories, and so is a private key file the CLI writes, whatever the process umask.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { snapshotDataDir } from '@bourse/core';
import { openExchange } from '../src/open-exchange.ts';
import { BOURSE_MAIN } from '../src/cluster/spawn-ready.ts';

const run = promisify(execFile);
const main = BOURSE_MAIN;

/** Every path under `root` (itself included) whose mode is not the private one for its kind. */
function looseModes(root: string): string[] {
  const loose: string[] = [];
  const visit = (path: string) => {
    const st = statSync(path);
    const mode = st.mode & 0o777;
    if (st.isDirectory()) {
      if (mode !== 0o700) loose.push(`${path} dir ${mode.toString(8)}`);
      for (const name of readdirSync(path)) visit(join(path, name));
    } else if (mode !== 0o600) {
      loose.push(`${path} file ${mode.toString(8)}`);
    }
  };
  visit(root);
  return loose;
}

test('a data directory the server writes holds only 0600 files in 0700 directories', async (t) => {
  const previous = process.umask(0o022);
  t.after(() => process.umask(previous));
  const parent = mkdtempSync(join(tmpdir(), 'bourse-modes-'));
  t.after(() => rmSync(parent, { recursive: true, force: true }));
  const dataDir = join(parent, 'data');
  const exchange = await openExchange(dataDir);
  await exchange.core.submit({ type: 'createAsset', assetId: 1, code: 'USD', scale: 1e6 });
  await exchange.core.readModels.waitFor(exchange.core.durableSeq);
  await exchange.close();
  await snapshotDataDir(dataDir);
  const names = readdirSync(dataDir);
  for (const expected of ['auth.db', 'journal', 'snapshots', 'read.db', 'engine-config.json']) {
    assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
  }
  assert.ok(readdirSync(join(dataDir, 'snapshots')).length > 0);
  assert.deepEqual(looseModes(dataDir), []);
});

test('the CLI writes a private key 0600, even over an existing readable file', async (t) => {
  const parent = mkdtempSync(join(tmpdir(), 'bourse-modes-cli-'));
  t.after(() => rmSync(parent, { recursive: true, force: true }));
  const d = ['--data-dir', join(parent, 'data')];
  const bourse = (...args: string[]) => run(process.execPath, [main, ...args, ...d]);
  await bourse('user', 'create', '--username', 'ann', '--role', 'trader');
  const pem = join(parent, 'ann.pem');
  writeFileSync(pem, 'old', { mode: 0o644 });
  await bourse('apikey', 'create', '--username', 'ann', '--out', pem);
  assert.equal(statSync(pem).mode & 0o777, 0o600);
  assert.deepEqual(looseModes(join(parent, 'data')), []);
});
