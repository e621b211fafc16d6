// `bourse serve --sandbox --scenario FILE` as an operator starts it: the process builds the scenario's
// world, says it is a sandbox, and serves it (the book, the simulated clock) on its port; a cluster
// gateway has no sandbox mode and refuses the flag.

import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BOURSE_MAIN } from '../src/cluster/spawn-ready.ts';

const here = dirname(fileURLToPath(import.meta.url));
const main = BOURSE_MAIN;
const EXAMPLE = join(here, '..', '..', '..', 'docs', 'sandbox-example.yaml');
const START = Date.parse('2030-06-01T09:00:00Z');

let dir: string;
let child: ChildProcess | undefined;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'bourse-sandbox-serve-'));
});
after(async () => {
  if (child !== undefined && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the server and resolves with its URL once it says where it listens. */
function serve(args: string[]): Promise<string> {
  const proc = spawn(process.execPath, [main, 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url !== undefined) resolve(url);
    });
    proc.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    proc.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

test('serve --sandbox --scenario serves the scenario on the simulated clock', async () => {
  const url = await serve([
    '--sandbox',
    '--scenario',
    EXAMPLE,
    '--port',
    '0',
    '--data-dir',
    join(dir, 'data'),
    '--log-level',
    'error',
  ]);
  const status = (await (await fetch(`${url}/api/v1/exchange/status`)).json()) as {
    sandbox: boolean;
    clock: { now: number; mode: string };
  };
  assert.deepEqual([status.sandbox, status.clock.now, status.clock.mode], [true, START, 'paused']);
  const book = (await (await fetch(`${url}/api/v1/markets/RAIN-YES/book`)).json()) as {
    bids: number[][];
    asks: number[][];
  };
  assert.deepEqual(book.asks, [[4200, 500, 1]]);
  assert.equal(book.bids.length, 3);
  // The sandbox endpoints are there (an admin's, so unauthenticated is refused, not unknown).
  assert.equal((await fetch(`${url}/api/v1/sandbox/status`)).status, 401);
});

test('a cluster gateway has no sandbox mode', async () => {
  const run = promisify(execFile);
  await assert.rejects(
    run(process.execPath, [main, 'cluster', 'gateway', '--sandbox']),
    (e: { code: number; stderr: string }) => {
      assert.equal(e.code, 2);
      assert.match(e.stderr, /sandbox/);
      return true;
    },
  );
});
