// `bourse sandbox …` against a running sandbox: the command line names the request (durations and
// times as people write them), and the clock it drives is the exchange's. `serve --sandbox` refuses
// to keep its read models in PostgreSQL.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { createUserWithAccount, Sandbox, SandboxClock } from '@bourse/gateway';
import { type OpenExchange, openExchange } from '../src/open-exchange.ts';
import { durationArg, sandboxRequest, timeArg } from '../src/sandbox-command.ts';
import { readScenarioFile } from '../src/sandbox-host.ts';
import { BOURSE_MAIN } from '../src/cluster/spawn-ready.ts';

const run = promisify(execFile);
const main = BOURSE_MAIN;
const START = Date.parse('2031-03-01T12:00:00Z');

let dir: string;
let exchange: OpenExchange;
let url: string;
let keyArgs: string[];

async function bourse(
  ...args: string[]
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [main, ...args], { timeout: 60_000 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bourse-sandbox-cli-'));
  const sandbox = new Sandbox({ clock: new SandboxClock({ start: START, paused: true }) });
  exchange = await openExchange(join(dir, 'data'), { sandbox });
  const s = exchange.gateway.services;
  const admin = await createUserWithAccount(s, {
    username: 'admin',
    role: 'admin',
    password: 'x'.repeat(12),
  });
  const pair = generateKeyPairSync('ed25519');
  const key = await exchange.authStore.addApiKey({
    userId: admin.userId,
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    scopes: ['read', 'trade', 'admin'],
    label: 'cli',
    now: Date.now(),
  });
  const keyFile = join(dir, 'admin.pem');
  writeFileSync(keyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const server = exchange.gateway.server;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  keyArgs = ['--url', url, '--key-id', key.keyId, '--key-file', keyFile];
});
after(async () => {
  await exchange.close();
  rmSync(dir, { recursive: true, force: true });
});

test('durations, times and the request each command line names', () => {
  assert.equal(durationArg('1500'), 1_500);
  assert.equal(durationArg('500ms'), 500);
  assert.equal(durationArg('1h30m'), 5_400_000);
  assert.equal(durationArg('2d'), 172_800_000);
  assert.throws(() => durationArg('soon'), /not a duration/);
  assert.throws(() => durationArg('5 m'), /not a duration/);
  assert.equal(timeArg('2031-03-01T12:00:00Z'), START);
  assert.equal(timeArg(String(START)), START);
  assert.throws(() => timeArg('yesterday'), /not a time/);
  assert.throws(() => timeArg('+1h'), /use clock step/);
  assert.deepEqual(sandboxRequest(['clock', 'step', '15m'], {}), [
    'POST',
    '/api/v1/sandbox/clock/step',
    { ms: 900_000 },
    undefined,
  ]);
  assert.deepEqual(sandboxRequest(['events'], { account: '7' })[3], {
    account: '7',
    kind: undefined,
    after: undefined,
    limit: undefined,
  });
  assert.throws(() => sandboxRequest(['clock', 'rewind'], {}), /unknown sandbox command/);
  assert.throws(() => sandboxRequest(['reset'], {}), /needs a scenario file/);
});

test('the CLI steps, jumps and reads the clock and lists what it did', async () => {
  const step = await bourse('sandbox', 'clock', 'step', '1h', ...keyArgs);
  assert.equal(step.code, 0, step.stderr);
  assert.equal(step.stdout.trim(), '2031-03-01T13:00:00.000Z  paused  ×1');
  const jump = await bourse('sandbox', 'clock', 'jump', '2031-03-02T00:00:00Z', ...keyArgs);
  assert.equal(jump.code, 0, jump.stderr);
  const back = await bourse('sandbox', 'clock', 'jump', '2031-03-01T00:00:00Z', ...keyArgs);
  assert.equal(back.code, 1);
  assert.match(back.stderr, /never goes backwards/);
  const events = await bourse('sandbox', 'events', '--kind', 'clock', '--json', ...keyArgs);
  assert.equal(events.code, 0, events.stderr);
  const items = (JSON.parse(events.stdout) as { items: { action: string; by: string }[] }).items;
  assert.deepEqual(
    items.map((e) => [e.action, e.by]),
    [
      ['step', 'admin'],
      ['jump', 'admin'],
    ],
  );
  assert.equal(exchange.gateway.services.exchangeNow(), Date.parse('2031-03-02T00:00:00Z'));
});

test('the CLI saves the world as a YAML scenario that reads back', async () => {
  const file = join(dir, 'world.yaml');
  const saved = await bourse('sandbox', 'save', file, '--name', 'cli-world', ...keyArgs);
  assert.equal(saved.code, 0, saved.stderr);
  const scenario = await readScenarioFile(file);
  assert.equal(scenario.name, 'cli-world');
  assert.equal(scenario.clock?.start, exchange.gateway.services.exchangeNow());
  assert.deepEqual(
    scenario.accounts?.map((a) => a.username),
    ['admin'],
  );
});

test('serve --sandbox refuses --read-db; sandbox --help works', async () => {
  const refused = await bourse(
    'serve',
    '--sandbox',
    '--read-db',
    'postgres://127.0.0.1/none',
    '--data-dir',
    join(dir, 'refused'),
  );
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /--sandbox .*drop --read-db/);
  const help = await bourse('sandbox', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /clock step <duration>/);
});
