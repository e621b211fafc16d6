// What to send when an admin changes one half of a market's schedule. The API replaces the whole
// schedule (`PUT …/schedule {opensAt, closesAt}`), so the half that is not being changed is sent back
// as the server has it, unless its time has already come: the market has opened (or closed) by then,
// or is about to, and the server would refuse a time in the past.

export interface Schedule {
  readonly opensAt: number | null;
  readonly closesAt: number | null;
}

export function scheduleWith(
  current: Schedule & { readonly status: string },
  change: Partial<Schedule>,
  now: number,
): Schedule {
  const future = (at: number | null) => (at !== null && at > now ? at : null);
  return {
    // Only a market that has never opened can have an opening.
    opensAt:
      change.opensAt !== undefined
        ? change.opensAt
        : current.status === 'created'
          ? future(current.opensAt)
          : null,
    closesAt: change.closesAt !== undefined ? change.closesAt : future(current.closesAt),
  };
}
