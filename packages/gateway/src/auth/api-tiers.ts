// The API usage tiers an operator assigns to users, by Kalshi's published tier names. What a tier allows
// is the API's to say: the Kalshi adapter maps each to Kalshi's read and write budgets.

export const API_TIERS = ['basic', 'advanced', 'premier', 'prime'] as const;
export type ApiTier = (typeof API_TIERS)[number];

export function isApiTier(x: unknown): x is ApiTier {
  return (API_TIERS as readonly unknown[]).includes(x);
}
