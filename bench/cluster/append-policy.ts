// What a leader's append policy can do for a command's wait, given the fenced appends this machine's
// etcd actually gives: a writer appends a batch (`--batch` records) to a real three-member etcd (on
// disk, fsync on) with the leader's default schedule, one in flight and starts `--spacing-ms` apart,
// and every append's duration is recorded. The same sequence of durations is then replayed for
// commands arriving evenly at `--rate`, under one append in flight and under two (the next append
// starts once the spacing has passed, even while the previous is in flight; it resolves only after
// it). Both policies meet the same appends, so the difference is the scheduling alone, whatever the
// machine's load did to the appends. With two in flight the second append's own time is taken as
// recorded (optimistic: etcd 3.4 did not put two appends in one Raft round, decision 0935) and, as a
// pessimistic bound, as one more median append after its predecessor's end; resends of appends that
// overtake their predecessor are not modelled (they only add). Run:
//   npx node bench/cluster/append-policy.ts [--seconds 10] [--rounds 3] [--spacing-ms 12]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Election, EtcdCluster, FencedLog } from '@bourse/cluster';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    'spacing-ms': { type: 'string', default: '12' },
    rate: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '120' },
  },
});
const spacing = Number(values['spacing-ms']);
const rate = Number(values.rate);

/** Appends every `spacing` ms (one in flight) for `seconds`; returns each append's duration (ms). */
async function trace(log: FencedLog, election: Election, seconds: number): Promise<number[]> {
  const leadership = await election.campaign();
  const fence = await log.takeOver(
    await log.head(),
    'writer',
    leadership.electionKey,
    leadership.electionCreateRevision,
  );
  // Records the size of the load generator's placeOrders in the log (decision 0956: 24 bytes).
  const records = Array.from({ length: Number(values.batch) }, () => new Uint8Array(24).fill(7));
  const durations: number[] = [];
  const end = performance.now() + seconds * 1000;
  let lastStart = Number.NEGATIVE_INFINITY;
  while (performance.now() < end) {
    const wait = lastStart + spacing - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    lastStart = performance.now();
    await log.append(fence, records, Date.now() + 60_000);
    durations.push(performance.now() - lastStart);
  }
  await leadership.resign();
  return durations;
}

/**
 * When each append resolves (ms from the first start) under a policy: `depth` appends in flight,
 * starts at least `spacing` apart; with two, an append ends no sooner than its predecessor plus
 * `behind` (0: etcd shares the round; a median append: it takes the next one).
 */
function schedule(
  d: readonly number[],
  depth: 1 | 2,
  behind: number,
): { starts: number[]; resolved: number[] } {
  const starts: number[] = [];
  const resolved: number[] = [];
  for (let k = 0; k < d.length; k++) {
    const previousStart = k === 0 ? Number.NEGATIVE_INFINITY : starts[k - 1]!;
    // An append may start once the one `depth` places before it resolved.
    const gate = k >= depth ? resolved[k - depth]! : 0;
    const start = Math.max(0, previousStart + spacing, gate);
    const own = start + d[k]!;
    const after =
      k === 0 ? 0 : resolved[k - 1]! + (depth === 2 && resolved[k - 1]! > start ? behind : 0);
    starts.push(start);
    resolved.push(Math.max(own, after));
  }
  return { starts, resolved };
}

/** Each command's wait (ms): arriving evenly at `rate`, it rides on the first append starting after it. */
function waits(s: { starts: number[]; resolved: number[] }): number[] {
  const out: number[] = [];
  const step = 1000 / rate;
  let k = 1;
  for (let t = 0; t < s.starts.at(-1)!; t += step) {
    while (s.starts[k]! < t) k++;
    out.push(s.resolved[k]! - t);
  }
  return out.sort((a, b) => a - b);
}

function figures(sorted: readonly number[]): string {
  const q = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(1);
  return `p50 ${q(0.5)} / p99 ${q(0.99)} / p99.9 ${q(0.999)} ms`;
}

const dir = mkdtempSync(join(tmpdir(), 'bourse-append-policy-'));
const etcd = await EtcdCluster.start({ dir: join(dir, 'etcd'), members: 3 });
const client = etcd.client();
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    const log = new FencedLog(client, `/policy-${round}`);
    const election = new Election(client, 'writer', { prefix: log.prefix, ttlSeconds: 30 });
    const d = await trace(log, election, Number(values.seconds));
    const sorted = [...d].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1]!;
    const over = d.filter((x) => x > spacing).length;
    console.log(
      `round ${round + 1}: ${d.length} appends, one append ${figures(sorted)}, ` +
        `${((100 * over) / d.length).toFixed(1)} % over the ${spacing} ms spacing; a command's wait for its ` +
        `append: 1 in flight ${figures(waits(schedule(d, 1, 0)))} · 2 in flight ` +
        `${figures(waits(schedule(d, 2, 0)))} (etcd sharing rounds), ` +
        `${figures(waits(schedule(d, 2, median)))} (a median append behind the predecessor)`,
    );
  }
} finally {
  client.close();
  await etcd.stop();
  rmSync(dir, { recursive: true, force: true });
}
