// Kalshi's rate limits: two token buckets per API key, reads and writes, sized by the member's usage
// tier as Kalshi publishes them (Basic 20 reads and 10 writes a second; Advanced 30/30; Premier
// 100/100; Prime 400/400). A request costs 10 tokens; each order of a batch costs 10, each cancel of a
// batch cancel 2 (Kalshi's 0.2 transactions). Write buckets above Basic hold two seconds of budget.
// A user's tier is the one an admin assigned (`PATCH /api/v1/admin/users/:id {apiTier}`), else the
// configured default; the tiers' budgets are configurable too.

import type { ApiTier, BucketConfig, Principal } from '@bourse/gateway';

/** Tokens one request (or one order of a batch) costs. */
export const DEFAULT_COST = 10;
/** Tokens one cancel of a batch cancel costs. */
export const BATCH_CANCEL_COST = 2;

/** A batch's token cost: `each` per item of `body[key]` (at least one item's). */
export const costPer = (key: string, each: number) => (body: unknown) => {
  const list = (body as Record<string, unknown> | null)?.[key];
  return each * (Array.isArray(list) ? Math.max(1, list.length) : 1);
};

export interface TierLimits {
  readonly read: BucketConfig;
  readonly write: BucketConfig;
}

const bucket = (perSecond: number, seconds = 1): BucketConfig => ({
  capacity: perSecond * DEFAULT_COST * seconds,
  refillPerSecond: perSecond * DEFAULT_COST,
});

export const KALSHI_RATE_TIERS: Readonly<Record<ApiTier, TierLimits>> = {
  basic: { read: bucket(20), write: bucket(10) },
  advanced: { read: bucket(30), write: bucket(30, 2) },
  premier: { read: bucket(100), write: bucket(100, 2) },
  prime: { read: bucket(400), write: bucket(400, 2) },
};

export interface KalshiRateOptions {
  /** The tier of a user no admin assigned one (default `basic`). */
  readonly defaultTier?: ApiTier;
  /** Budgets replacing Kalshi's published ones, per tier. */
  readonly tiers?: Partial<Record<ApiTier, TierLimits>>;
}

/** What `GET /account/limits` answers and what the buckets are sized by. */
export class KalshiRates {
  readonly #defaultTier: ApiTier;
  readonly #tiers: Record<ApiTier, TierLimits>;

  constructor(options: KalshiRateOptions = {}) {
    this.#defaultTier = options.defaultTier ?? 'basic';
    this.#tiers = { ...KALSHI_RATE_TIERS, ...options.tiers };
  }

  /** The principal carries its user's tier, so no request waits on the auth store for it. */
  tierOf(principal: Principal): ApiTier {
    return principal.apiTier ?? this.#defaultTier;
  }

  limitsOf(principal: Principal): { tier: ApiTier } & TierLimits {
    const tier = this.tierOf(principal);
    return { tier, ...this.#tiers[tier] };
  }
}
