// The repository's structure, checked on every test run: no room (file or function) past its size
// limit unless allow-listed, every workspace import declared in the importer's package.json, and every
// import pointing down the declared layering. The rules live in test/structure/, the limits in
// test/structure/config.ts; test/structure-rules.test.ts shows that each rule catches a violation.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { STRUCTURE } from './structure/config.ts';
import { dependencyViolations, layeringViolations, roomViolations } from './structure/rules.ts';
import { scanRepo } from './structure/scan.ts';

const scan = scanRepo(join(import.meta.dirname, '..'));

test('the scan sees the workspace packages and their sources', () => {
  const names = scan.packages.map((p) => p.name);
  for (const name of ['@bourse/engine', '@bourse/gateway', '@bourse/app', '@bourse/web']) {
    assert.ok(names.includes(name), name);
  }
  assert.ok(scan.files.some((f) => f.path === 'packages/engine/src/engine-state.ts'));
  assert.ok(scan.files.length > 100);
});

test('no file over 600 lines or function over 80 lines, and no stale allow-list entry', () => {
  assert.deepEqual(roomViolations(scan, STRUCTURE), []);
});

test('every import of a workspace package is declared in the importing package.json', () => {
  assert.deepEqual(dependencyViolations(scan), []);
});

test('imports between packages point down the declared layers', () => {
  assert.deepEqual(layeringViolations(scan, STRUCTURE), []);
});
