// The core's health as the operational endpoints report it: the core's own account when it keeps
// one (a journal stalled on a full disk, a stopped core), else derived from `failure`.

import type { CoreHealth, ExchangeCore } from '@bourse/core';

export function coreHealth(core: ExchangeCore): CoreHealth {
  const own = core.health?.();
  if (own !== undefined) return own;
  const failure = core.failure;
  if (failure === undefined) return { state: 'ok', since: 0, journalWriteErrors: 0 };
  return { state: 'failed', cause: failure.message, since: 0, journalWriteErrors: 0 };
}

/** The body of a health answer: the state, and when it is not `ok`, why and since when. */
export function healthBody(health: CoreHealth): Record<string, unknown> {
  if (health.state === 'ok') return { status: 'ok' };
  const since = health.since > 0 ? { since: new Date(health.since).toISOString() } : {};
  return { status: health.state, cause: health.cause, ...since };
}
