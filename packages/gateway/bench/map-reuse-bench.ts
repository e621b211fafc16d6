// Why the gateway replaces its per-turn maps instead of clearing them (decision 0950): a long-lived Map
// that is cleared after every turn, or whose entries come and go, against one replaced by a new Map.
// Each turn puts fresh objects in it, as the writer's queued acks and the feed's pending updates are,
// then empties it. V8's `clear()` and every rehash leave the old table pointing at its successor, so
// once one table is old (promoted while current, or by a mark-compact) every later table and what
// each held survive the scavenges until the next mark-compact. Printed: bytes surviving scavenges
// (copied within the young generation or promoted) per turn, and the scavenges' pauses. Bytes, unlike
// pauses, do not depend on how loaded the machine is.
//
//   node --max-semi-space-size=64 --single-threaded-gc packages/gateway/bench/map-reuse-bench.ts [--turns 300000]

import { parseArgs } from 'node:util';
import { GCProfiler } from 'node:v8';

const { values } = parseArgs({
  options: {
    turns: { type: 'string', default: '300000' },
    rounds: { type: 'string', default: '2' },
  },
});
const TURNS = Number(values.turns);
/** Entries per turn (a turn's sockets or accounts). */
const PER_TURN = 20;

type Mode = 'clear' | 'delete' | 'replace';

interface Space {
  readonly spaceName: string;
  readonly spaceUsedSize: number;
}

const isYoung = (s: Space) =>
  s.spaceName === 'new_space' || s.spaceName === 'new_large_object_space';
const used = (spaces: readonly Space[], young: boolean) =>
  spaces.filter((s) => isYoung(s) === young).reduce((sum, s) => sum + s.spaceUsedSize, 0);

/** One turn's entry: a small object graph, like a socket's queued messages. */
function entry(turn: number, i: number): { items: string[]; at: number } {
  return { items: [`ack ${turn}:${i}`, `fill ${turn}:${i}`], at: turn };
}

/** Garbage enough for a few scavenges, so what is live meanwhile is promoted (as at start-up). */
function age(): void {
  for (let i = 0; i < 12_000_000; i++) sink[0] = [i, i + 1];
}
/** Where `age`'s garbage goes (escaping, so the optimiser cannot leave it unallocated). */
const sink: unknown[] = [undefined];

function run(mode: Mode): { survivedPerTurn: number; scavenges: number; pauseMs: number[] } {
  const owner = { map: new Map<number, { items: string[]; at: number }>() };
  owner.map.set(-1, entry(-1, -1));
  owner.map.delete(-1);
  // The gateway's maps are made at start-up and live on: their table is old before any turn.
  age();
  let key = 0;
  const profiler = new GCProfiler();
  profiler.start();
  for (let turn = 0; turn < TURNS; turn++) {
    const first = key;
    for (let i = 0; i < PER_TURN; i++) owner.map.set(key++, entry(turn, i));
    if (mode === 'clear') owner.map.clear();
    else if (mode === 'replace') owner.map = new Map();
    else for (let k = first; k < key; k++) owner.map.delete(k);
  }
  let survived = 0;
  const pauseMs: number[] = [];
  for (const gc of profiler.stop()?.statistics ?? []) {
    if (gc.gcType !== 'Scavenge' && gc.gcType !== 'MinorMarkSweep') continue;
    const before = gc.beforeGC.heapSpaceStatistics as readonly Space[];
    const after = gc.afterGC.heapSpaceStatistics as readonly Space[];
    survived += used(after, true) + Math.max(0, used(after, false) - used(before, false));
    pauseMs.push(gc.cost / 1000);
  }
  return { survivedPerTurn: survived / TURNS, scavenges: pauseMs.length, pauseMs };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

console.log(`${TURNS} turns of ${PER_TURN} entries each`);
for (let r = 0; r < Number(values.rounds); r++) {
  for (const mode of ['clear', 'delete', 'replace'] as const) {
    const f = run(mode);
    const p = [...f.pauseMs].sort((a, b) => a - b);
    console.log(
      `round ${r + 1} ${mode.padEnd(7)}: survived scavenges ${f.survivedPerTurn.toFixed(0)} B/turn, ` +
        `${f.scavenges} scavenges, pause p50 ${quantile(p, 0.5).toFixed(2)} ms, max ${(p.at(-1) ?? 0).toFixed(2)} ms`,
    );
  }
}
