// When the client may send a request again, and when it must wait. A 429 was refused before anything
// ran, so any request may be resent once its Retry-After has passed; a 5xx, a timeout or a dropped
// connection leaves a write's fate unknown, so only reads are resent blindly — an order is resent only
// under its client order id, after looking for it (see idempotent-place.ts).

import { BourseApiError } from './client-error.ts';

export interface RetryPolicy {
  /** Sends of one request at most, the first included (1: never resend). */
  readonly attempts: number;
  /** Wait before a resend when the exchange named none; doubles with each resend (default 200 ms). */
  readonly backoffMs?: number;
  /** A request unanswered after this long is abandoned as of unknown fate (default: no limit). */
  readonly timeoutMs?: number;
}

/** A request whose answer never came (timeout or dropped connection): it may or may not have run. */
export class FateUnknownError extends Error {
  override readonly cause: unknown;
  constructor(what: string, cause: unknown) {
    super(`${what}: no answer (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'FateUnknownError';
    this.cause = cause;
  }
}

/** Refused before it ran (nothing happened): safe to resend whatever the request was. */
export function refusedBeforeRunning(error: unknown): boolean {
  return error instanceof BourseApiError && error.status === 429;
}

/** May have run: a server error or no answer at all. */
export function fateUnknown(error: unknown): boolean {
  return (
    error instanceof FateUnknownError || (error instanceof BourseApiError && error.status >= 500)
  );
}

/** The wait before attempt `attempt` (1 = the first resend): the exchange's word, else backoff. */
export function retryDelayMs(policy: RetryPolicy, error: unknown, attempt: number): number {
  if (error instanceof BourseApiError && error.retryAfterSeconds !== undefined) {
    return error.retryAfterSeconds * 1000;
  }
  return (policy.backoffMs ?? 200) * 2 ** (attempt - 1);
}
