// The etcd client every cluster component uses, tuned for failing over fast: a unary call that gets no
// answer within its deadline fails (and is retried once on another member) instead of waiting on a
// member that just died or lost its quorum, and a member that failed twice in a row is skipped for a
// second. A retried transaction may have landed the first time: the fenced log reads its head back to
// tell (fenced-log.ts), so a retry never turns an append into two.

import { ConstantBackoff, circuitBreaker, ConsecutiveBreaker, handleWhen, retry } from 'cockatiel';
import { Etcd3, isRecoverableError } from 'etcd3';

/** Deadline of one unary call (get, put, txn): etcd answers in milliseconds or not at all. */
export const ETCD_CALL_TIMEOUT_MS = 1_000;

export function createEtcdClient(endpoints: readonly string[]): Etcd3 {
  return new Etcd3({
    hosts: [...endpoints],
    dialTimeout: 1_000,
    defaultCallOptions: (context) =>
      context.isStream ? {} : { deadline: Date.now() + ETCD_CALL_TIMEOUT_MS },
    faultHandling: {
      host: () =>
        circuitBreaker(handleWhen(isRecoverableError), {
          halfOpenAfter: 1_000,
          breaker: new ConsecutiveBreaker(2),
        }),
      global: retry(handleWhen(isRecoverableError), {
        maxAttempts: 2,
        backoff: new ConstantBackoff(50),
      }),
    },
  });
}
