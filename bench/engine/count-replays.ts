// A replay driver for counting the engine's instructions per command, which holds on a loaded machine
// where CPU pairs do not resolve a few percent (docs/BENCHMARKS.md, "Fifth pass" to "Eighth pass").
// It replays the engine suite's stream (seed 42, mix brief, 64 accounts) R times, each replay on its
// own engine. Every engine is created first, then two full collections run once, so each replay starts
// from old space as in the bench after its settle(); only the last replay's state is hashed (printed,
// to compare two engines). Counting the process with R = 2 and R = 6 and dividing the difference by
// 4 × N gives the instructions of one command, start-up and compilation cancelled out:
//
//   valgrind --tool=cachegrind --cache-sim=no node --single-threaded --expose-gc \
//     bench/engine/count-replays.ts --profile wide --events objects --n 40000 --replays 6
//
// `--engine DIR` replays another checkout's engine (a worktree of the revision before a change) on
// this checkout's stream. `--events` is objects (`apply`), bytes (`applyEncoded`) or none
// (`applyQuietly`).

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bourseDriver, type EngineClass, generate, prepareBourse } from '@bourse/benchkit';
import { Engine } from '@bourse/engine';

const { values } = parseArgs({
  options: {
    profile: { type: 'string', default: 'wide' },
    events: { type: 'string', default: 'objects' },
    n: { type: 'string', default: '40000' },
    replays: { type: 'string', default: '2' },
    engine: { type: 'string' },
  },
});
const profile = values.profile === 'cents' ? 'cents' : 'wide';
const events = values.events;
if (events !== 'objects' && events !== 'bytes' && events !== 'none') {
  throw new Error('--events must be objects, bytes or none');
}
const n = Number(values.n);
const replays = Number(values.replays);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

let create: EngineClass = Engine;
if (values.engine !== undefined) {
  const url = pathToFileURL(resolve(values.engine, 'packages/engine/src/index.ts')).href;
  create = ((await import(url)) as { Engine: EngineClass }).Engine;
}
const opts = { profile, accounts: 64, maxOpenOrdersPerAccount: 10_000 } as const;
const w = generate({ profile, n, seed: 42, mix: 'brief' });
const d = bourseDriver(opts, events, { name: 'bourse', create });
const { commands } = prepareBourse(w.cols, opts);
const engines = Array.from({ length: replays }, () => d.create());
gc();
gc();
let hash = '';
const t0 = process.cpuUsage();
for (let r = 0; r < replays; r++) {
  d.replay(engines[r]!, commands);
  if (r === replays - 1) hash = engines[r]!.stateHash();
}
const cpu = process.cpuUsage(t0);
const ns = ((cpu.user + cpu.system) * 1000) / (n * replays);
console.log(
  `${events} ${profile} n=${n} replays=${replays} state ${hash} ${ns.toFixed(0)} ns/command`,
);
