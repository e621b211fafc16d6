// Market schedules: when a market opens and closes by itself. Time reaches the engine only with
// commands, so a schedule runs at the first command whose `ts` reaches it, before that command, like
// GTD expiry; the sequencer sends a `tick` at the next due time (`Engine.nextDueTs`) so a quiet
// exchange opens and closes markets on time too. Replaying the journal replays the same ticks, so the
// same markets change at the same commands.

import { invalidField } from './invalid-field.ts';
import type { ScheduleMarket } from './commands.ts';
import type { RejectCode } from './reject-codes.ts';
import type { Instrument } from './state.ts';
import { isSafeInt } from './units.ts';

/** A schedule time: null (none) or a time after `ts`. */
function checkTime(field: string, at: unknown, ts: number): RejectCode | undefined {
  if (at === null || at === undefined) return undefined;
  if (!isSafeInt(at) || at <= 0) return invalidField(field, 'a positive safe integer or null');
  return at <= ts ? 'SCHEDULE_IN_PAST' : undefined;
}

/** Why a `scheduleMarket` cannot apply to `inst` at `ts`, or undefined when it can. */
export function scheduleProblem(
  inst: Instrument,
  c: ScheduleMarket,
  ts: number,
): RejectCode | undefined {
  const bad = checkTime('opensAt', c.opensAt, ts) ?? checkTime('closesAt', c.closesAt, ts);
  if (bad !== undefined) return bad;
  const opensAt = c.opensAt ?? 0;
  const closesAt = c.closesAt ?? 0;
  if (opensAt > 0 && closesAt > 0 && closesAt <= opensAt) {
    return invalidField('closesAt', 'after opensAt');
  }
  if (inst.status === 'closed' || inst.status === 'settled') return 'INVALID_STATE';
  // Only a market that has never opened can be scheduled to open.
  if (opensAt > 0 && inst.status !== 'created') return 'INVALID_STATE';
  return undefined;
}

/**
 * The earliest scheduled change of any market (a circuit breaker's reopening included), or Infinity
 * when none is scheduled.
 */
export function earliestSchedule(instruments: readonly Instrument[]): number {
  let next = Number.POSITIVE_INFINITY;
  for (const inst of instruments) {
    if (inst.opensAt > 0 && inst.opensAt < next) next = inst.opensAt;
    if (inst.reopensAt > 0 && inst.reopensAt < next) next = inst.reopensAt;
    if (inst.closesAt > 0 && inst.closesAt < next) next = inst.closesAt;
  }
  return next;
}
