// The API usage tiers an operator assigns to users (the vocabulary's home is @bourse/protocol). What a
// tier allows is the API's to say: the Kalshi adapter maps each to Kalshi's read and write budgets.

import { API_TIERS, type ApiTier } from '@bourse/protocol';

export { API_TIERS, type ApiTier };

export function isApiTier(x: unknown): x is ApiTier {
  return (API_TIERS as readonly unknown[]).includes(x);
}
