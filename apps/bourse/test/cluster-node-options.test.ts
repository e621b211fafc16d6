// `bourse cluster node --append-spacing-ms`: the node's default, the bounds, and a clear refusal.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_APPEND_SPACING_MS } from '@bourse/cluster';
import { spacingMs } from '../src/cluster-node-command.ts';

test('--append-spacing-ms takes 0 to 1000 ms, defaults to the node default, and refuses the rest', () => {
  assert.equal(spacingMs(undefined), DEFAULT_APPEND_SPACING_MS);
  assert.equal(spacingMs('0'), 0);
  assert.equal(spacingMs('1000'), 1000);
  for (const bad of ['-1', '1001', '2.5', 'ten', '']) {
    assert.throws(() => spacingMs(bad), /--append-spacing-ms must be an integer from 0 to 1000/);
  }
});
