// What `bourse serve` does with the core's health changes: a stall and a recovery are logged, and a
// core that failed for good is logged and stops the process (so a supervisor restarts it). The
// disk-full run (disk-full.test.ts) shows the stall and recovery lines from a real server.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '@bourse/gateway';
import type { CoreHealth, ExchangeCore } from '@bourse/core';
import { reportHealth } from '../src/serve-command.ts';

test('stalls and recoveries are logged; a failed core is logged and stops the server', () => {
  let listener: ((health: CoreHealth) => void) | undefined;
  const core = {
    watchHealth: (l: (h: CoreHealth) => void) => {
      listener = l;
      return () => {};
    },
  };
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ write: (line) => lines.push(JSON.parse(line)) });
  let stops = 0;
  reportHealth(core as unknown as ExchangeCore, logger, () => stops++);
  assert.ok(listener !== undefined);
  const base = { since: 1, journalWriteErrors: 2 };
  listener({ ...base, state: 'stalled', cause: 'journal cannot write: ENOSPC' });
  listener({ ...base, state: 'ok' });
  assert.equal(stops, 0);
  listener({ ...base, state: 'failed', cause: 'EIO' });
  assert.equal(stops, 1);
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg, l.cause]),
    [
      [
        'error',
        'journal stalled: trading refused until it can write again',
        'journal cannot write: ENOSPC',
      ],
      ['info', 'exchange core healthy again', undefined],
      ['error', 'exchange core failed: stopping so a supervisor restarts it', 'EIO'],
    ],
  );
});
