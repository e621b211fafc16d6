// The `bourse` command line as a user runs it: --help everywhere, offline administration of a data
// directory (asset, user, deposit, API key with its private key file, market lifecycle), then
// `journal verify`, `replay` and `snapshot` agreeing on the state.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AuthStore } from '@bourse/gateway';
import { SERVE_HELP } from '../src/help-texts.ts';
import { SERVE_NODE_FLAGS } from '../src/serve-node-flags.ts';
import { BOURSE_MAIN } from '../src/cluster/spawn-ready.ts';

const run = promisify(execFile);
const main = BOURSE_MAIN;
let dir: string;

async function bourse(
  ...args: string[]
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    // A bound for a hung CLI, not a speed check: on a CI machine loaded to 50 runnable threads one
    // `user list` took more than 60 s to start and was cut off with empty output.
    const { stdout, stderr } = await run(process.execPath, [main, ...args], { timeout: 240_000 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'bourse-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('--help works for the CLI and every command', async () => {
  const top = await bourse('--help');
  assert.equal(top.code, 0);
  for (const cmd of [
    'serve',
    'user',
    'deposit',
    'apikey',
    'market',
    'journal',
    'replay',
    'snapshot',
    'loadtest',
    'asset',
    'account',
  ]) {
    assert.match(top.stdout, new RegExp(`\\b${cmd}\\b`));
  }
  const helps = await Promise.all(
    [
      ['serve'],
      ['user'],
      ['deposit'],
      ['apikey'],
      ['market'],
      ['journal'],
      ['replay'],
      ['snapshot'],
      ['loadtest'],
      ['asset'],
      ['account'],
    ].map((c) => bourse(...c, '--help')),
  );
  for (const h of helps) {
    assert.equal(h.code, 0);
    assert.match(h.stdout, /bourse/);
  }
  assert.equal((await bourse('nonsense')).code, 2);
});

/** The binary market the offline admin test creates. */
const CLI_SPEC = {
  kind: 'binary',
  symbol: 'CLI-YES',
  seriesTicker: 'CLI',
  eventTicker: 'CLI-1',
  title: 'CLI test',
  settlementAssetId: 1,
  payoutTicks: 10000,
  lotsPerContract: 100,
  tickSize: 100,
  minPriceTicks: 100,
  maxPriceTicks: 9900,
  lotSize: 100,
  moneyPerTickLot: 1,
  fees: { kind: 'none' },
  limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
};

/** A user created without --password still has one (generated, shown once): none who can never log in. */
async function createsUserWhoCanLogIn(username: string, d: string[]): Promise<void> {
  const created = await bourse('user', 'create', '--username', username, '--role', 'trader', ...d);
  assert.match(created.stdout, new RegExp(`created user ${username}`));
  const shown = /password \(shown once\): (\S+)/.exec(created.stdout)?.[1];
  assert.ok(shown, created.stdout);
  const store = new AuthStore(join(dir, 'auth.db'));
  try {
    assert.equal((await store.checkPassword(username, shown))?.username, username);
  } finally {
    await store.close();
  }
}

test('offline admin, then journal verify, replay and snapshot agree', async () => {
  const d = ['--data-dir', dir];
  assert.match(
    (await bourse('asset', 'create', '--code', 'USD', '--scale', '1000000', ...d)).stdout,
    /created asset USD/,
  );
  await createsUserWhoCanLogIn('ann', d);
  assert.match(
    (await bourse('deposit', '--username', 'ann', '--asset', 'USD', '--amount', '5000000', ...d))
      .stdout,
    /deposited/,
  );
  const pem = join(dir, 'ann.pem');
  const key = await bourse('apikey', 'create', '--username', 'ann', '--out', pem, ...d);
  assert.match(key.stdout, /key id: [0-9a-f-]{36}/);
  assert.match(readFileSync(pem, 'utf8'), /BEGIN PRIVATE KEY/);
  const spec = join(dir, 'spec.json');
  writeFileSync(spec, JSON.stringify(CLI_SPEC));
  assert.match((await bourse('market', 'create', '--spec', spec, ...d)).stdout, /created CLI-YES/);
  assert.match((await bourse('market', 'open', 'CLI-YES', ...d)).stdout, /CLI-YES: open/);
  const closes = await bourse(
    'market',
    'schedule',
    'CLI-YES',
    '--closes',
    '2098-01-01T00:00:00Z',
    ...d,
  );
  assert.match(closes.stdout, /CLI-YES: opens never, closes 2098-01-01T00:00:00.000Z \(seq \d+\)/);
  const past = await bourse(
    'market',
    'schedule',
    'CLI-YES',
    '--closes',
    '2001-01-01T00:00:00Z',
    ...d,
  );
  assert.notEqual(past.code, 0);
  assert.match(past.stderr, /SCHEDULE_IN_PAST/);
  const info = await bourse(
    'market',
    'info',
    'CLI-YES',
    '--rules',
    'YES if it rains.',
    '--source',
    'The weather service',
    '--settles',
    '2098-01-02T00:00:00Z',
    '--event-title',
    'Will it rain?',
    ...d,
  );
  assert.match(
    info.stdout,
    /CLI-YES: Will it rain\? — settles 2098-01-02T00:00:00.000Z; source The weather service/,
  );
  const bad = await bourse('market', 'schedule', 'CLI-YES', '--closes', 'soon', ...d);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--closes takes an ISO 8601 time/);
  const list = await bourse('user', 'list', ...d);
  assert.match(list.stdout, /ann\ttrader/);

  const verify = await bourse('journal', 'verify', ...d);
  assert.equal(verify.code, 0);
  assert.match(verify.stdout, /ok/);
  const replay = await bourse('replay', ...d);
  assert.equal(replay.code, 0);
  const hash = /state hash (\S+)/.exec(replay.stdout)?.[1];
  assert.ok(hash);
  assert.match(replay.stdout, /invariants hold/);
  const snap = await bourse('snapshot', ...d);
  assert.equal(/state hash (\S+)/.exec(snap.stdout)?.[1], hash);
  assert.ok(existsSync(join(dir, 'auth.db')));
});

test('a circuit breaker from the command line: set, refused, removed', async () => {
  const d = ['--data-dir', dir];
  const breaker = await bourse(
    'market',
    'breaker',
    'CLI-YES',
    '--move-ticks',
    '500',
    '--window-ms',
    '10000',
    '--pause-ms',
    '60000',
    ...d,
  );
  assert.equal(breaker.code, 0, breaker.stderr);
  assert.match(
    breaker.stdout,
    /CLI-YES: circuit breaker: pause 60000 ms on a move of more than 500/,
  );
  const noPause = await bourse('market', 'breaker', 'CLI-YES', '--move-ticks', '500', ...d);
  assert.notEqual(noPause.code, 0);
  assert.match(noPause.stderr, /breaker.windowMs must be an integer from 1/);
  const off = await bourse('market', 'breaker', 'CLI-YES', '--off', ...d);
  assert.match(off.stdout, /CLI-YES: no circuit breaker/);
});

test('the kill switch from the command line: account freeze and unfreeze', async () => {
  const d = ['--data-dir', dir];
  const frozen = await bourse('account', 'freeze', '--username', 'ann', ...d);
  assert.equal(frozen.code, 0, frozen.stderr);
  assert.match(frozen.stdout, /account \d+ frozen at seq \d+; 0 live orders cancelled/);
  const thawed = await bourse('account', 'unfreeze', '--username', 'ann', ...d);
  assert.match(thawed.stdout, /account \d+ unfrozen at seq \d+/);
  const unknown = await bourse('account', 'freeze', '--account', '999', ...d);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /UNKNOWN_ACCOUNT/);
  const both = await bourse('account', 'freeze', '--account', '1', '--username', 'ann', ...d);
  assert.equal(both.code, 2);
});

test('npm start runs the server with the same Node flags as the load generator’s server', () => {
  const pkg = JSON.parse(
    readFileSync(
      join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'package.json'),
      'utf8',
    ),
  ) as { scripts: { start: string } };
  const start = pkg.scripts.start.split(' ');
  const flags = start.slice(
    start.indexOf('node') + 1,
    start.findIndex((a) => a.endsWith('main.ts')),
  );
  assert.deepEqual(flags, [...SERVE_NODE_FLAGS]);
  assert.match(SERVE_HELP, new RegExp(SERVE_NODE_FLAGS.join(' ')));
});
