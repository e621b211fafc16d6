// A test of the structure test: each rule, run on a small planted checkout, finds the violation planted
// in it and nothing in the clean version, so a rule that silently stopped checking would fail here.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import {
  dependencyViolations,
  layeringViolations,
  roomViolations,
  type StructureConfig,
} from './structure/rules.ts';
import { type RepoScan, scanRepo } from './structure/scan.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function manifest(name: string, deps: string[] = [], devDeps: string[] = []): string {
  const map = (names: string[]) => Object.fromEntries(names.map((n) => [n, '0.1.0']));
  return JSON.stringify({ name, dependencies: map(deps), devDependencies: map(devDeps) });
}

/** A clean three-package checkout: core below app, ui sees only core (its public API). */
const CLEAN: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'root', workspaces: ['packages/*'] }),
  'packages/core/package.json': manifest('@x/core'),
  'packages/core/src/index.ts': 'export const one = 1;\n',
  'packages/app/package.json': manifest('@x/app', ['@x/core'], ['@x/ui']),
  'packages/app/src/main.ts': "import { one } from '@x/core';\nexport const two = one + 1;\n",
  'packages/app/test/main.test.ts': "import '@x/ui';\n",
  'packages/ui/package.json': manifest('@x/ui', ['@x/core']),
  'packages/ui/src/view.ts': "import type { one } from '@x/core';\nexport type V = typeof one;\n",
};

const CONFIG: StructureConfig = {
  maxFileLines: 600,
  maxFunctionLines: 80,
  fileAllowList: [],
  functionAllowList: [],
  layers: [['@x/core'], ['@x/ui'], ['@x/app']],
  publicApiOnly: { packages: ['@x/ui'], api: ['@x/core'] },
};

function plant(changes: Record<string, string | null> = {}): RepoScan {
  const root = mkdtempSync(join(tmpdir(), 'structure-'));
  dirs.push(root);
  const files = { ...CLEAN, ...changes };
  for (const [path, text] of Object.entries(files)) {
    if (text === null) continue;
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return scanRepo(root);
}

const lines = (n: number, line = 'export const x = 1;') => `${Array(n).fill(line).join('\n')}\n`;
const fn = (name: string, bodyLines: number) =>
  `export function ${name}(): number {\n${lines(bodyLines, '  void 0;')}  return 1;\n}\n`;

function only(violations: string[], ...fragments: string[]): void {
  assert.equal(violations.length, 1, violations.join('\n'));
  for (const f of fragments) assert.ok(violations[0]!.includes(f), `${violations[0]} lacks ${f}`);
}

test('the clean checkout breaks no rule', () => {
  const scan = plant();
  assert.equal(scan.packages.length, 3);
  assert.deepEqual(roomViolations(scan, CONFIG), []);
  assert.deepEqual(dependencyViolations(scan), []);
  assert.deepEqual(layeringViolations(scan, CONFIG), []);
});

test('a file over 600 lines fails, and passes at 600', () => {
  only(roomViolations(plant({ 'packages/core/src/big.ts': lines(601) }), CONFIG), 'big.ts', '601');
  assert.deepEqual(roomViolations(plant({ 'packages/core/src/big.ts': lines(600) }), CONFIG), []);
});

test('a function over 80 lines fails, named by its class or by the call it is passed to', () => {
  // 78 body lines + signature + return + closing brace = 81 lines.
  only(roomViolations(plant({ 'packages/core/src/f.ts': fn('long', 78) }), CONFIG), 'f.ts#long');
  assert.deepEqual(roomViolations(plant({ 'packages/core/src/f.ts': fn('ok', 77) }), CONFIG), []);
  const method = `export class K {\n  run(): void {\n${lines(80, '    void 0;')}  }\n}\n`;
  only(roomViolations(plant({ 'packages/core/src/k.ts': method }), CONFIG), 'k.ts#K.run');
  const callback = `test('big', () => {\n${lines(80, '  void 0;')}});\n`;
  only(
    roomViolations(plant({ 'packages/core/test/k.test.ts': callback }), CONFIG),
    "k.test.ts#test('big')",
  );
});

test('an allow-listed room passes, and its entry must go once it is small', () => {
  const big = { 'packages/core/src/big.ts': lines(700) };
  const allowed = { ...CONFIG, fileAllowList: ['packages/core/src/big.ts'] };
  assert.deepEqual(roomViolations(plant(big), allowed), []);
  only(roomViolations(plant(), allowed), 'big.ts', 'remove it from the file allow-list');
  const fnAllowed = { ...CONFIG, functionAllowList: ['packages/core/src/f.ts#long'] };
  assert.deepEqual(
    roomViolations(plant({ 'packages/core/src/f.ts': fn('long', 87) }), fnAllowed),
    [],
  );
  only(
    roomViolations(plant({ 'packages/core/src/f.ts': fn('long', 70) }), fnAllowed),
    'remove it from the function allow-list',
  );
});

test('an import of a workspace package its package.json does not declare fails', () => {
  const undeclared = { 'packages/ui/src/extra.ts': "export { two } from '@x/app';\n" };
  only(dependencyViolations(plant(undeclared)), 'extra.ts:1', '@x/app', 'packages/ui/package.json');
  // A devDependency serves tests but not shipped code.
  const devInSrc = { 'packages/app/src/dev.ts': "export * from '@x/ui';\n" };
  only(dependencyViolations(plant(devInSrc)), 'dev.ts', 'in dependencies');
  // Dynamic imports and `import type` count; comments and strings do not.
  const dynamic = { 'packages/core/src/d.ts': "await import('@x/app');\n" };
  only(dependencyViolations(plant(dynamic)), 'd.ts', '@x/app');
  const typeOnly = { 'packages/core/src/t.ts': "import type { two } from '@x/app';\n" };
  only(dependencyViolations(plant(typeOnly)), 't.ts', '@x/app');
  const mention = {
    'packages/core/src/m.ts': "// from '@x/app'\nexport const s = \"from '@x/app'\";\n",
  };
  assert.deepEqual(dependencyViolations(plant(mention)), []);
});

test('a relative import into another package folder counts as importing that package', () => {
  const reach = { 'packages/core/src/r.ts': "export * from '../../app/src/main.ts';\n" };
  only(dependencyViolations(plant(reach)), 'r.ts', '@x/app');
});

test('an import pointing up or sideways in the layers fails even when declared', () => {
  const up = {
    'packages/core/package.json': manifest('@x/core', ['@x/ui']),
    'packages/core/src/up.ts': "export * from '@x/ui';\n",
  };
  only(layeringViolations(plant(up), CONFIG), 'up.ts', '@x/core (layer 0) imports @x/ui (layer 1)');
  const sideways = { ...CONFIG, layers: [['@x/core'], ['@x/ui', '@x/app']] };
  only(layeringViolations(plant(), sideways), 'main.test.ts', 'imports @x/ui');
});

test('a package without a layer fails', () => {
  const extra = {
    'packages/new/package.json': manifest('@x/new'),
    'packages/new/src/a.ts': 'export {};\n',
  };
  only(layeringViolations(plant(extra), CONFIG), 'packages/new', 'has no layer');
});

test('a public-API-only package that imports anything else fails in shipped code only', () => {
  const config = { ...CONFIG, layers: [['@x/core'], ['@x/app'], ['@x/ui']] };
  const reach = {
    'packages/app/test/main.test.ts': null,
    'packages/ui/package.json': manifest('@x/ui', ['@x/core', '@x/app']),
    'packages/ui/src/reach.ts': "export * from '@x/app';\n",
  };
  only(layeringViolations(plant(reach), config), 'reach.ts', 'only through @x/core');
  const inTest = {
    'packages/app/test/main.test.ts': null,
    'packages/ui/package.json': manifest('@x/ui', ['@x/core'], ['@x/app']),
    'packages/ui/test/reach.test.ts': "import '@x/app';\n",
  };
  assert.deepEqual(layeringViolations(plant(inTest), config), []);
});
