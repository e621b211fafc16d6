// `GET /account/limits`: the caller's usage tier and the read and write token buckets its key spends
// (Kalshi's GetAccountApiLimitsResponse; no grants, as tiers here are assigned by an admin).

import { type KalshiRoute, member } from './kalshi-route.ts';

export const accountEndpoints: KalshiRoute[] = [
  {
    method: 'GET',
    path: '/account/limits',
    auth: 'read',
    handler: (ctx) => {
      const limits = ctx.rates.limitsOf(member(ctx));
      const bucket = (b: { capacity: number; refillPerSecond: number }) => ({
        refill_rate: b.refillPerSecond,
        bucket_capacity: b.capacity,
      });
      return {
        usage_tier: limits.tier,
        read: bucket(limits.read),
        write: bucket(limits.write),
        grants: [],
      };
    },
  },
];
