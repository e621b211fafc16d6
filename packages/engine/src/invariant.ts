// The engine's guard for its own invariants: state that breaks one is already wrong, so the engine
// throws and its host crashes rather than journal and acknowledge on top of it. Checks stay O(1) and
// sit where state is mutated; `verifyInvariants` is the from-scratch check for tests and tools.

/** A broken engine invariant: a bug, never a user error (those are `rejected` events). */
export class InvariantViolation extends Error {
  override name = 'InvariantViolation';
}

/** Throws `InvariantViolation` naming `what` when `condition` is false. */
export function invariant(condition: boolean, what: string): asserts condition {
  if (!condition) throw new InvariantViolation(`engine invariant broken: ${what}`);
}
