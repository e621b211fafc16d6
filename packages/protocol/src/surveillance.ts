// Market surveillance through the admin API: the account kill switch (freeze), beneficial-owner links,
// per-market detector thresholds, and the alerts the detectors raise with their evidence.

import { type Static, Type } from '@sinclair/typebox';
import { NonNegInt, strict } from './primitives.ts';

export const AccountFrozenBody = Type.Object({ frozen: Type.Boolean() }, strict);

export const AccountFrozenResponse = Type.Object(
  {
    accountId: NonNegInt(),
    frozen: Type.Boolean(),
    /** Live orders the freeze cancelled (0 on an unfreeze). */
    cancelledOrders: NonNegInt(),
    seq: NonNegInt(),
  },
  strict,
);

export type AccountFrozenBody = Static<typeof AccountFrozenBody>;
export type AccountFrozenResponse = Static<typeof AccountFrozenResponse>;
