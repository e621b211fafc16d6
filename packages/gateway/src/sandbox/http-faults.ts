// Applies a sandbox fault to one REST request before its handler runs: a 429 with Retry-After, a 5xx
// (thrown, so nothing executes), or added latency. A 5xx "after execution" is returned to the pipeline,
// which runs the handler and then answers the error instead of the result.

import { setTimeout as delay } from 'node:timers/promises';
import { ApiError } from '../error-catalogue.ts';
import type { FaultInjector } from './fault-injector.ts';

/** Thrown for an injected 5xx: the pipeline answers it like any other error. */
export class InjectedServerError extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`injected ${status}`);
    this.status = status;
  }
}

/**
 * Waits, throws, or answers the status to send after execution; undefined when nothing more is to
 * be done (no fault, or only latency).
 */
export async function injectBefore(
  faults: FaultInjector,
  accountId: number,
  method: string,
  path: string,
  clock: () => number,
): Promise<{ status: number } | undefined> {
  const f = faults.http(accountId, method, path, clock());
  if (f === undefined) return undefined;
  switch (f.kind) {
    case 'latency':
      await delay(f.latencyMs);
      return undefined;
    case 'rateLimit':
      throw new ApiError('RATE_LIMITED', undefined, { retryAfter: f.retryAfterSeconds });
    case 'serverError':
      if (f.afterExecution) return { status: f.status };
      throw new InjectedServerError(f.status);
  }
}

/** The body of an injected 5xx: the code a real failure with that status carries. */
export function injectedErrorBody(status: number): { error: { code: string; message: string } } {
  const code = status === 503 ? 'NOT_READY' : 'INTERNAL';
  return { error: { code, message: `Injected ${status} (sandbox fault).` } };
}
