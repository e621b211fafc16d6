// The engine must stay a pure, deterministic state machine: no I/O modules, no clocks, no
// randomness, no timers and no process access anywhere in `packages/engine/src`. This scans the
// source text (with comments and string contents blanked out) so a stray `Date.now()` fails the
// build, not a replay.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { codeOnly } from './support/source-text.ts';

const SRC = join(import.meta.dirname, '..', 'src');

/** Identifiers that read a clock, randomness, timers or the host process. */
const FORBIDDEN: readonly [RegExp, string][] = [
  [/\bDate\b/, 'Date (reads the clock)'],
  [/\bMath\s*\.\s*random\b/, 'Math.random'],
  [/\bperformance\b/, 'performance (reads the clock)'],
  [/\bprocess\b/, 'process'],
  [/\b(setTimeout|setInterval|setImmediate|clearTimeout|clearInterval|clearImmediate)\b/, 'timers'],
  [/\bqueueMicrotask\b/, 'queueMicrotask'],
  [/\b(require|globalThis|eval|Function)\s*\(/, 'dynamic code or module loading'],
  [/\bimport\s*\(/, 'dynamic import'],
  [/\b(crypto|fetch|WebSocket|Worker|SharedArrayBuffer|Atomics)\b/, 'host APIs'],
];

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]!]));

function sourceFiles(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .sort();
}

/** Module specifiers of static imports and re-exports. */
function specifiers(text: string): string[] {
  const re = /\b(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]/g;
  return [...text.matchAll(re)].map((m) => (m[1] ?? m[2])!);
}

test('the engine source exists and is scanned', () => {
  const files = sourceFiles();
  assert.ok(files.includes('engine.ts'));
  assert.ok(files.includes('matching.ts'));
  assert.ok(files.length >= 10);
});

test('engine source imports only its own relative modules', () => {
  const bad: string[] = [];
  for (const f of sourceFiles()) {
    for (const spec of specifiers(readFileSync(join(SRC, f), 'utf8'))) {
      if (spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0]!)) {
        bad.push(`${f}: imports built-in module '${spec}'`);
      } else if (!spec.startsWith('./')) {
        bad.push(`${f}: imports '${spec}' (the engine has no dependencies)`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

test('engine source uses no clock, randomness, timers or process', () => {
  const bad: string[] = [];
  for (const f of sourceFiles()) {
    const lines = codeOnly(readFileSync(join(SRC, f), 'utf8')).split('\n');
    lines.forEach((line, i) => {
      for (const [re, what] of FORBIDDEN) {
        if (re.test(line)) bad.push(`${f}:${i + 1}: ${what}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(bad, []);
});

test('the scanner itself catches what it is meant to catch', () => {
  const sample = [
    "import { readFileSync } from 'node:fs';",
    "import x from 'fs';",
    "export { y } from 'net';",
    '// Date.now() in a comment is fine',
    "const s = 'Math.random()';",
    'const t = Date.now();',
    'const r = Math.random();',
    'setTimeout(() => {}, 1);',
    'const p = process.env.X;',
    'const n = performance.now();',
  ].join('\n');
  assert.deepEqual(specifiers(sample), ['node:fs', 'fs', 'net']);
  const code = codeOnly(sample);
  const hits = FORBIDDEN.filter(([re]) => re.test(code)).map(([, what]) => what);
  assert.deepEqual(hits, [
    'Date (reads the clock)',
    'Math.random',
    'performance (reads the clock)',
    'process',
    'timers',
  ]);
  assert.ok(!/Date|random/.test(codeOnly('// Date.now()\nconst s = "Math.random()";')));
});

/** Import cycles among the engine's modules (type-only imports count), each as a path of files. */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    path.push(f);
    for (const to of graph.get(f) ?? []) {
      if (state.get(to) === 'open') cycles.push([...path.slice(path.indexOf(to)), to]);
      else if (!state.has(to)) visit(to);
    }
    path.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return cycles;
}

test('the engine’s modules form a DAG: no file depends on itself through its imports', () => {
  const graph = new Map<string, string[]>();
  for (const f of sourceFiles()) {
    const text = codeOnlyKeepingSpecifiers(readFileSync(join(SRC, f), 'utf8'));
    graph.set(
      f,
      specifiers(text).map((s) => s.slice(2)),
    );
  }
  assert.ok([...graph.values()].flat().length > 30, 'the imports were read');
  assert.deepEqual(importCycles(graph), []);
  // The check finds a cycle when there is one.
  const looped = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts']],
  ]);
  assert.deepEqual(importCycles(looped), [['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
});

/** Comments blanked, string contents kept (import specifiers are strings). */
function codeOnlyKeepingSpecifiers(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
}
