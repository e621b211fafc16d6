// Breaks one latency pass down by the work each command did (its kind and how many fills it caused),
// to say which commands make the tail: the p99 of a matching engine is set by orders that sweep
// several makers, and this puts a number on it in every run.

import type { Command } from '@bourse/engine';

type Group = 'cancel' | 'amend' | 'order, 0 fills' | 'order, 1–2 fills' | 'order, 3+ fills';

function groupOf(c: Command, fills: number): Group {
  if (c.type === 'cancelOrder') return 'cancel';
  if (c.type === 'amendOrder') return 'amend';
  return fills === 0 ? 'order, 0 fills' : fills <= 2 ? 'order, 1–2 fills' : 'order, 3+ fills';
}

/** One line: per group, its share of commands, p50 and p99 (µs), and its share of the samples > p99. */
export function latencyTailNote(
  ns: Float64Array,
  commands: readonly Command[],
  fills: Uint8Array,
): string {
  const sorted = Float64Array.from(ns).sort();
  const p99 = sorted[Math.floor(0.99 * sorted.length)]!;
  const groups = new Map<Group, number[]>();
  for (let i = 0; i < ns.length; i++) {
    const g = groupOf(commands[i]!, fills[i]!);
    let xs = groups.get(g);
    if (!xs) groups.set(g, (xs = []));
    xs.push(ns[i]!);
  }
  const slow = ns.filter((x) => x > p99).length;
  const parts = [...groups].map(([g, xs]) => {
    xs.sort((a, b) => a - b);
    const q = (p: number) => (xs[Math.floor(p * xs.length)]! / 1000).toFixed(2);
    const over = xs.filter((x) => x > p99).length;
    const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)}%`;
    return `${g}: ${pct(xs.length, ns.length)} of commands, p50 ${q(0.5)} µs, p99 ${q(0.99)} µs, ${pct(over, slow)} of those > p99`;
  });
  return `latency by work (p99 ${(p99 / 1000).toFixed(2)} µs): ${parts.join('; ')}`;
}
