// Who is acting: the admin whose request is being handled (or the operator at the console), so every
// command it leads to is journaled with `actor` and the tamper-evident audit trail names who did what,
// without each route passing the user along. Set around admin handlers by the HTTP pipeline and by
// in-process runs of native routes; read by `GatewayServices.submit`.
import { AsyncLocalStorage } from 'node:async_hooks';

const acting = new AsyncLocalStorage<number>();

/** The user id commands submitted within `fn` are journaled with (0: the operator's console). */
export function runAsActor<T>(userId: number, fn: () => T): T {
  return acting.run(userId, fn);
}

/** The acting user, or undefined outside an admin action (a trader's own commands). */
export function currentActor(): number | undefined {
  return acting.getStore();
}
