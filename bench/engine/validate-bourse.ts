// Untimed validation replay of the Bourse engine: counts what the engine did (refusals by reason,
// filled quantity) while applying the stream, then compares with the reference book's prediction under
// the engine's amend rule and checks the engine's own invariants (money conserved, reservations, book).

import type { BookDriver, BourseExpectation } from '@bourse/benchkit';
import { depthHash } from '@bourse/benchkit';
import { type Command, type Engine, verifyInvariants } from '@bourse/engine';

export interface BourseValidation {
  readonly depthHash: string;
  /** The engine's state hash after the stream: every other replay of it must end on the same. */
  readonly stateHash: string;
  readonly tradedQtyLots: number;
  readonly rejects: number;
  /** Orders the engine's self-trade prevention cancelled. */
  readonly selfTradeCancels: number;
  /** Fills each command caused (capped at 255), to break latency down by work done. */
  readonly fillsPerCommand: Uint8Array;
  /** Events emitted over the whole stream (each one an object the engine allocated). */
  readonly events: number;
  readonly rejectsByReason: Record<string, number>;
  readonly invariantViolations: readonly string[];
  readonly problems: readonly string[];
}

export function validateBourse(
  d: BookDriver<Engine, Command>,
  commands: readonly Command[],
  expected: BourseExpectation,
  qtyLotsPerUnit: number,
): BourseValidation {
  const e = d.create();
  const rejectsByReason: Record<string, number> = {};
  let rejects = 0;
  let tradedQtyLots = 0;
  let events = 0;
  let selfTradeCancels = 0;
  const fillsPerCommand = new Uint8Array(commands.length);
  for (let i = 0; i < commands.length; i++) {
    const out = e.apply(commands[i]!);
    events += out.length;
    for (const ev of out) {
      if (ev.type === 'fill') {
        tradedQtyLots += ev.qtyLots;
        if (fillsPerCommand[i]! < 255) fillsPerCommand[i]!++;
      } else if (ev.type === 'orderCancelled' && ev.reason === 'selfTrade') selfTradeCancels++;
      else if (ev.type === 'rejected') {
        rejects++;
        rejectsByReason[ev.reason] = (rejectsByReason[ev.reason] ?? 0) + 1;
      }
    }
  }
  const hash = depthHash(d.depth(e));
  const invariantViolations = verifyInvariants(e);
  const problems: string[] = [];
  if (hash !== expected.depthHash) {
    problems.push(`final depth ${hash} ≠ predicted ${expected.depthHash}`);
  }
  if (tradedQtyLots !== expected.tradedQty * qtyLotsPerUnit) {
    problems.push(
      `traded ${tradedQtyLots} lots ≠ predicted ${expected.tradedQty * qtyLotsPerUnit}`,
    );
  }
  if (rejects !== expected.rejects)
    problems.push(`${rejects} refusals ≠ predicted ${expected.rejects}`);
  if (selfTradeCancels !== expected.selfTradeCancels) {
    problems.push(
      `${selfTradeCancels} self-trade cancels ≠ predicted ${expected.selfTradeCancels}`,
    );
  }
  if (invariantViolations.length > 0) {
    problems.push(`${invariantViolations.length} invariant violations: ${invariantViolations[0]}`);
  }
  return {
    depthHash: hash,
    stateHash: e.stateHash(),
    tradedQtyLots,
    rejects,
    events,
    selfTradeCancels,
    fillsPerCommand,
    rejectsByReason,
    invariantViolations,
    problems,
  };
}
