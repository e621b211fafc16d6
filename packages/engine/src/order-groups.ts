// Order groups (Kalshi's): an account caps the lots a set of its orders may match within a rolling
// 15-second window. Every fill of a grouped order, as maker or taker, counts in its group's window
// at the command's `ts`; when the window reaches the cap the group triggers, and when the command
// ends every live order of the group is cancelled (reason `orderGroup`). The command that reaches the
// cap completes as it would have — a fill-or-kill order stays all-or-nothing, a matching walk is not
// cut between two makers — so a group can pass its cap by what one command matches, never more: no
// order of a triggered group outlives the command, and a triggered group refuses new orders until it
// is reset. The window is the fills inside it, dropped as they age at the next fill or cap change,
// so the same journal gives the same windows.

import { invalidField } from './invalid-field.ts';
import type {
  CreateOrderGroup,
  DeleteOrderGroup,
  ResetOrderGroup,
  SetOrderGroupLimit,
  TriggerOrderGroup,
} from './commands.ts';
import type { EngineState } from './engine-state.ts';
import { cancelSlot } from './order-lifecycle.ts';
import type { RejectCode } from './reject-codes.ts';
import type { Account, OrderGroup } from './state.ts';
import { isPositiveInt } from './units.ts';
import type { OrderGroupView } from './views.ts';

/** The rolling window a group's cap applies to. */
export const ORDER_GROUP_WINDOW_MS = 15_000;
/** Groups one account may hold at once. */
export const MAX_ORDER_GROUPS_PER_ACCOUNT = 1_000;

/** The caller's group `groupId`, or why not (another account's group is unknown to it). */
export function ownedGroup(
  e: EngineState,
  acct: Account,
  groupId: unknown,
): OrderGroup | RejectCode {
  if (!isPositiveInt(groupId)) return invalidField('orderGroupId', 'a positive safe integer');
  const g = e.groups.get(groupId);
  return g === undefined || g.account !== acct ? 'UNKNOWN_ORDER_GROUP' : g;
}

export function createOrderGroup(e: EngineState, c: CreateOrderGroup): void {
  const acct = e.accountById(c.accountId);
  if (acct === undefined) return e.reject('createOrderGroup', 'UNKNOWN_ACCOUNT');
  if (!isPositiveInt(c.limitLots)) return e.reject('createOrderGroup', 'INVALID_QUANTITY');
  let held = 0;
  for (const g of e.groups.values()) if (g.account === acct) held++;
  if (held >= MAX_ORDER_GROUPS_PER_ACCOUNT) return e.reject('createOrderGroup', 'MAX_ORDER_GROUPS');
  const group: OrderGroup = {
    groupId: e.lastSeq,
    account: acct,
    limitLots: c.limitLots,
    triggered: false,
    windowTs: [],
    windowLots: [],
    windowSum: 0,
    orders: new Set(),
  };
  e.groups.set(group.groupId, group);
  emitUpdated(e, group);
}

export function setOrderGroupLimit(e: EngineState, c: SetOrderGroupLimit, ts: number): void {
  const g = commandGroup(e, 'setOrderGroupLimit', c.accountId, c.groupId);
  if (g === undefined) return;
  if (!isPositiveInt(c.limitLots)) return e.reject('setOrderGroupLimit', 'INVALID_QUANTITY');
  g.limitLots = c.limitLots;
  emitUpdated(e, g);
  if (!g.triggered) {
    dropAged(g, ts);
    if (g.windowSum >= g.limitLots) markTriggered(e, g);
  }
}

export function resetOrderGroup(e: EngineState, c: ResetOrderGroup): void {
  const g = commandGroup(e, 'resetOrderGroup', c.accountId, c.groupId);
  if (g === undefined) return;
  g.triggered = false;
  g.windowTs.length = 0;
  g.windowLots.length = 0;
  g.windowSum = 0;
  emitUpdated(e, g);
}

export function triggerOrderGroup(e: EngineState, c: TriggerOrderGroup): void {
  const g = commandGroup(e, 'triggerOrderGroup', c.accountId, c.groupId);
  if (g === undefined) return;
  // Triggering a triggered group cancels what it still holds (nothing) and changes nothing else.
  if (!g.triggered) markTriggered(e, g);
}

export function deleteOrderGroup(e: EngineState, c: DeleteOrderGroup): void {
  const g = commandGroup(e, 'deleteOrderGroup', c.accountId, c.groupId);
  if (g === undefined) return;
  cancelGroupOrders(e, g);
  e.groups.delete(g.groupId);
  e.emit({ type: 'orderGroupDeleted', groupId: g.groupId, accountId: g.account.accountId });
}

/** Counts `lots` matched by order `orderId` at `ts` in its group, if it has one and is armed. */
export function countGroupFill(e: EngineState, orderId: number, lots: number, ts: number): void {
  const g = e.groupOfOrder.get(orderId);
  if (g === undefined || g.triggered) return;
  dropAged(g, ts);
  g.windowTs.push(ts);
  g.windowLots.push(lots);
  g.windowSum += lots;
  if (g.windowSum >= g.limitLots) markTriggered(e, g);
}

/** Cancels the live orders of every group that triggered during the command, in trigger order. */
export function flushGroupTriggers(e: EngineState): void {
  const due = e.groupsToTrigger;
  for (let i = 0; i < due.length; i++) cancelGroupOrders(e, due[i]!);
  due.length = 0;
}

/** Puts a live order into the account's group (called once the order is accepted). */
export function joinGroup(e: EngineState, g: OrderGroup, orderId: number): void {
  g.orders.add(orderId);
  e.groupOfOrder.set(orderId, g);
}

export function groupView(g: OrderGroup, ts: number): OrderGroupView {
  let matched = 0;
  for (let i = 0; i < g.windowTs.length; i++) {
    if (g.windowTs[i]! > ts - ORDER_GROUP_WINDOW_MS) matched += g.windowLots[i]!;
  }
  return {
    groupId: g.groupId,
    accountId: g.account.accountId,
    limitLots: g.limitLots,
    triggered: g.triggered,
    matchedLots: matched,
    orderIds: [...g.orders].sort((a, b) => a - b),
  };
}

function commandGroup(
  e: EngineState,
  command: 'setOrderGroupLimit' | 'resetOrderGroup' | 'triggerOrderGroup' | 'deleteOrderGroup',
  accountId: number,
  groupId: number,
): OrderGroup | undefined {
  const acct = e.accountById(accountId);
  if (acct === undefined) {
    e.reject(command, 'UNKNOWN_ACCOUNT');
    return undefined;
  }
  const g = ownedGroup(e, acct, groupId);
  if (typeof g === 'string') {
    e.reject(command, g, { accountId });
    return undefined;
  }
  return g;
}

function markTriggered(e: EngineState, g: OrderGroup): void {
  g.triggered = true;
  e.groupsToTrigger.push(g);
  emitUpdated(e, g);
}

/** Fills at or before `ts − window` no longer count. */
function dropAged(g: OrderGroup, ts: number): void {
  const edge = ts - ORDER_GROUP_WINDOW_MS;
  let n = 0;
  while (n < g.windowTs.length && g.windowTs[n]! <= edge) {
    g.windowSum -= g.windowLots[n]!;
    n++;
  }
  if (n > 0) {
    g.windowTs.splice(0, n);
    g.windowLots.splice(0, n);
  }
}

/** Cancels the group's live orders in order id order (the order they were accepted in). */
function cancelGroupOrders(e: EngineState, g: OrderGroup): void {
  if (g.orders.size === 0) return;
  const ids = [...g.orders].sort((a, b) => a - b);
  for (const id of ids) {
    const slot = e.orderSlots.get(id);
    if (slot >= 0) cancelSlot(e, slot, 'orderGroup');
  }
}

function emitUpdated(e: EngineState, g: OrderGroup): void {
  e.emit({
    type: 'orderGroupUpdated',
    groupId: g.groupId,
    accountId: g.account.accountId,
    limitLots: g.limitLots,
    triggered: g.triggered,
  });
}
