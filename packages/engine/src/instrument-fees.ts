// Compiles an instrument's fee schedule into the three rates the hot path uses.

import { compileFeeRate, type FeeRate } from './fees.ts';
import type { InstrumentSpec } from './instrument.ts';

export function compileFees(spec: InstrumentSpec): {
  feeTaker: FeeRate;
  feeMaker: FeeRate;
  feeMax: FeeRate;
} {
  const payout = spec.kind === 'binary' ? spec.payoutTicks : 0;
  return {
    feeTaker: compileFeeRate(spec.fees, 'taker', payout),
    feeMaker: compileFeeRate(spec.fees, 'maker', payout),
    feeMax: compileFeeRate(spec.fees, 'max', payout),
  };
}
