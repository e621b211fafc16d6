// What a cluster gateway keeps of the runs it delivered: a run only while a submit sent before it
// still waits for its reply, found by seq until then, nothing once every submit has its commands
// (whatever order they finish in), never more than the bound, and nothing at all when no submit waits.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppliedCommand } from '@bourse/core';
import { DeliveredRuns } from '../src/delivered-runs.ts';

let nextSeq = 1;
function run(length: number): AppliedCommand[] {
  return Array.from({ length }, () => {
    const seq = nextSeq++;
    return { seq, ts: seq, command: { type: 'tick', seq, ts: seq }, events: [] };
  });
}

test('runs are kept while a submit sent before them waits, and no longer', () => {
  const runs = new DeliveredRuns(4_096);
  runs.add(run(5));
  assert.equal(runs.runs, 0, 'nothing waits: nothing kept');
  const a = runs.open();
  const first = run(3);
  runs.add(first);
  const b = runs.open();
  const second = run(4);
  runs.add(second);
  assert.equal(runs.find(first[1]!.seq), first[1]);
  assert.equal(runs.find(second[3]!.seq), second[3]);
  assert.equal(runs.find(second[3]!.seq + 1), undefined);
  // b finishes first: a may still need both runs.
  runs.close(b);
  assert.equal(runs.commands, 7);
  runs.close(a);
  assert.equal(runs.runs, 0);
  assert.equal(runs.commands, 0);
  assert.equal(runs.find(first[1]!.seq), undefined);
  runs.close(a);
  assert.equal(runs.runs, 0, 'closing twice changes nothing');
});

test('a run delivered after the oldest waiting submit was answered is dropped with the last one needing it', () => {
  const runs = new DeliveredRuns(4_096);
  const a = runs.open();
  runs.add(run(2));
  const b = runs.open();
  runs.add(run(2));
  runs.close(a);
  // The first run was delivered before b was sent: b cannot need it.
  assert.equal(runs.runs, 1);
  assert.equal(runs.commands, 2);
  runs.close(b);
  assert.equal(runs.runs, 0);
});

test('what is kept stays within the bound however long a submit waits', () => {
  const runs = new DeliveredRuns(100);
  const slow = runs.open();
  for (let i = 0; i < 1_000; i++) {
    const t = runs.open();
    runs.add(run(7));
    runs.close(t);
    assert.ok(runs.commands <= 100 + 7, String(runs.commands));
  }
  runs.close(slow);
  assert.equal(runs.runs, 0);
  assert.equal(runs.commands, 0);
});

test('over many submits finishing in any order nothing stays once all have finished', () => {
  const runs = new DeliveredRuns(1_000_000);
  let seed = 3;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return seed % n;
  };
  const open: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    if (open.length === 0 || rnd(3) > 0) open.push(runs.open());
    runs.add(run(1 + rnd(5)));
    if (rnd(2) === 0) {
      const at = rnd(open.length);
      runs.close(open[at]!);
      open[at] = open.at(-1)!;
      open.pop();
    }
  }
  for (const t of open) runs.close(t);
  assert.equal(runs.runs, 0);
  assert.equal(runs.commands, 0);
});
