// The surveillance kill switch: an admin freezes an account, which cancels every live order it has
// (resting in a book or parked as a stop) and refuses its new orders until it is unfrozen. Nothing
// else of the account moves: balances and positions stay, and its fills already made stand.

import type { SetAccountFrozen } from './commands.ts';
import type { EngineState } from './engine-state.ts';
import { invalidField } from './invalid-field.ts';
import { cancelSlot } from './order-lifecycle.ts';
import { NIL } from './slot.ts';

export function setAccountFrozen(e: EngineState, c: SetAccountFrozen): void {
  if (typeof c.frozen !== 'boolean') {
    return e.reject('setAccountFrozen', invalidField('frozen', 'a boolean'));
  }
  const acct = e.accountById(c.accountId);
  if (acct === undefined) return e.reject('setAccountFrozen', 'UNKNOWN_ACCOUNT');
  if (c.frozen) {
    const s = e.store;
    let slot = acct.orderHead;
    while (slot !== NIL) {
      const next = s.acctNext[slot]!;
      cancelSlot(e, slot, 'accountFrozen');
      slot = next;
    }
  }
  acct.frozen = c.frozen;
  e.touchAccount(acct.index);
  e.emit({ type: 'accountFrozenChanged', accountId: acct.accountId, frozen: c.frozen });
}
