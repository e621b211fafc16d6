// The ledger commands: assets, accounts, and money entering or leaving the exchange (deposits,
// withdrawals, transfers). Every amount is checked to be a safe integer before anything moves, and
// each asset's external total records what came in minus what went out (invariant 1).

import { invalidField } from './invalid-field.ts';
import type { EngineState } from './engine-state.ts';
import { isIdentifier } from './identifiers.ts';
import { NIL } from './slot.ts';
import type { Account, Asset } from './state.ts';
import { isPositiveInt, isSafeInt } from './units.ts';

export function createAsset(e: EngineState, assetId: number, code: string, scale: number): void {
  if (!isSafeInt(assetId) || assetId < 0 || !isIdentifier(code, 16) || !isPositiveInt(scale)) {
    const field =
      !isSafeInt(assetId) || assetId < 0 ? 'assetId' : !isPositiveInt(scale) ? 'scale' : 'code';
    const rule =
      field === 'code'
        ? 'an identifier of at most 16 characters'
        : field === 'scale'
          ? 'a positive safe integer'
          : 'a non-negative safe integer';
    return e.reject('createAsset', invalidField(field, rule));
  }
  if (e.assetsById.has(assetId)) return e.reject('createAsset', 'DUPLICATE_ID');
  const asset: Asset = { assetId, index: e.assetList.length, code, scale, external: 0 };
  e.assetsById.set(assetId, asset);
  e.assetList.push(asset);
  for (const a of e.accountsById.values()) {
    growBalances(a, e.assetList.length);
    e.touchAccount(a.index);
  }
  e.emit({ type: 'assetCreated', assetId, code, scale });
}

export function createAccount(
  e: EngineState,
  accountId: number,
  userId: number,
  subaccount: number,
): void {
  for (const [field, value] of [
    ['accountId', accountId],
    ['userId', userId],
    ['subaccount', subaccount],
  ] as const) {
    if (!isSafeInt(value) || value < 0) {
      return e.reject('createAccount', invalidField(field, 'a non-negative safe integer'));
    }
  }
  if (e.accountsById.has(accountId)) {
    return e.reject('createAccount', 'DUPLICATE_ID', { accountId });
  }
  e.addAccount(accountId, userId, subaccount);
  e.emit({ type: 'accountCreated', accountId, userId, subaccount });
}

export function moveExternal(
  e: EngineState,
  kind: 'deposit' | 'withdraw' | 'transferIn' | 'transferOut',
  accountId: number,
  assetId: number,
  amount: number,
  transferId: string | undefined,
): void {
  if (!isPositiveInt(amount)) {
    return e.reject(kind, invalidField('amount', 'a positive safe integer'), { accountId });
  }
  const acct = e.accountsById.get(accountId);
  if (acct === undefined) return e.reject(kind, 'UNKNOWN_ACCOUNT');
  const asset = e.assetsById.get(assetId);
  if (asset === undefined) return e.reject(kind, 'UNKNOWN_ASSET', { accountId });
  const isTransfer = kind === 'transferIn' || kind === 'transferOut';
  if (isTransfer) {
    if (!isIdentifier(transferId, 128)) {
      const rule = 'an identifier of at most 128 characters';
      return e.reject(kind, invalidField('transferId', rule), { accountId });
    }
    if (e.transfers.has(transferId)) return e.reject(kind, 'DUPLICATE_TRANSFER', { accountId });
  }
  const k = asset.index;
  const outflow = kind === 'withdraw' || kind === 'transferOut';
  if (outflow && acct.available[k]! < amount) {
    return e.reject(kind, 'INSUFFICIENT_FUNDS', { accountId });
  }
  const signed = outflow ? -amount : amount;
  if (!Number.isSafeInteger(acct.available[k]! + signed) || !isSafeInt(asset.external + signed)) {
    const rule = 'a balance that stays a safe integer';
    return e.reject(kind, invalidField('amount', rule), { accountId });
  }
  if (isTransfer) e.transfers.add(transferId as string);
  acct.available[k]! += signed;
  asset.external += signed;
  e.touchBalance(acct, k);
  const ev = { type: 'ledgerMoved', kind, accountId, assetId, amount: signed } as const;
  e.emit(transferId === undefined ? ev : { ...ev, transferId });
}

export function newAccount(
  index: number,
  accountId: number,
  userId: number,
  subaccount: number,
): Account {
  return {
    index,
    accountId,
    userId,
    subaccount,
    available: [],
    reserved: [],
    balStamp: [],
    positions: [],
    orderHead: NIL,
    openOrders: 0,
    clientIds: new Map(),
    openLots: [],
    frozen: false,
  };
}

/** One zero per side of every instrument (see `Account.openLots`). */
export function growOpenLots(acct: Account, instruments: number): void {
  while (acct.openLots.length < 2 * instruments) acct.openLots.push(0);
}

export function growBalances(acct: Account, assets: number): void {
  while (acct.available.length < assets) {
    acct.available.push(0);
    acct.reserved.push(0);
    acct.balStamp.push(0);
  }
}
