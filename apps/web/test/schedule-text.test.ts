// Scheduled market times: the countdown's words, the `datetime-local` round trip in local time, and
// which schedule is sent when an admin changes one half of it (the API replaces the whole schedule).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scheduleWith } from '../ui/admin/schedule-change.ts';
import {
  durationText,
  fromDateTimeLocal,
  toDateTimeLocal,
  untilText,
} from '../ui/format/schedule.ts';

const S = 1_000;
const MIN = 60 * S;
const H = 60 * MIN;

test('a countdown reads in its two largest units, rounded up to the second', () => {
  assert.equal(durationText(2 * H + 5 * MIN + 30 * S), '2 h 5 min');
  assert.equal(durationText(2 * H), '2 h');
  assert.equal(durationText(12 * MIN + 5 * S), '12 min 5 s');
  assert.equal(durationText(45 * S), '45 s');
  assert.equal(durationText(44_001), '45 s');
  assert.equal(durationText(1), '1 s');
  assert.equal(durationText(3 * 24 * H + 4 * H + 59 * MIN), '3 d 4 h');
  assert.equal(untilText('closes', 10 * MIN, 0), 'closes in 10 min');
  assert.equal(untilText('opens', 90 * S, 0), 'opens in 1 min 30 s');
  assert.equal(untilText('reopens', 30 * S, 0), 'reopens in 30 s');
  assert.equal(untilText('reopens', 0, 1), 'reopening now');
  // The time has come but the status has not moved yet: no "0 s", no negative countdown.
  assert.equal(untilText('closes', 1_000, 1_000), 'closing now');
  assert.equal(untilText('opens', 1_000, 5_000), 'opening now');
});

test('a datetime-local value is local time, to the second, both ways', () => {
  const ts = new Date(2026, 4, 1, 14, 30, 5).getTime();
  assert.equal(toDateTimeLocal(ts), '2026-05-01T14:30:05');
  assert.equal(fromDateTimeLocal('2026-05-01T14:30:05'), ts);
  assert.equal(fromDateTimeLocal('2026-05-01T14:30'), ts - 5 * S);
  assert.equal(fromDateTimeLocal(toDateTimeLocal(ts)), ts);
  for (const bad of ['', 'tomorrow', '2026-05-01', '2026-05-01T14:30:05Z', '2026-13-01T00:00']) {
    assert.equal(fromDateTimeLocal(bad), undefined, bad);
  }
});

test('changing one half of a schedule keeps the other as the server has it, if still ahead', () => {
  const now = 1_000_000;
  const created = { status: 'created', opensAt: now + H, closesAt: now + 2 * H };
  assert.deepEqual(scheduleWith(created, { closesAt: now + 3 * H }, now), {
    opensAt: now + H,
    closesAt: now + 3 * H,
  });
  assert.deepEqual(scheduleWith(created, { opensAt: null }, now), {
    opensAt: null,
    closesAt: now + 2 * H,
  });
  // An opening whose time has come (the market is opening) or of a market that has opened is not
  // sent back: the server would refuse it as in the past or for the wrong state.
  assert.deepEqual(scheduleWith({ ...created, opensAt: now }, { closesAt: null }, now), {
    opensAt: null,
    closesAt: null,
  });
  assert.deepEqual(scheduleWith({ ...created, status: 'open' }, { closesAt: now + H }, now), {
    opensAt: null,
    closesAt: now + H,
  });
  assert.deepEqual(
    scheduleWith({ status: 'paused', opensAt: null, closesAt: now - 1 }, { opensAt: null }, now),
    { opensAt: null, closesAt: null },
  );
});
