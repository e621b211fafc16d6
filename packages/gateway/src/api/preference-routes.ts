// A person's own settings, kept server-side so they follow the person to every browser: the chart's
// indicators. Reading needs `read`; saving is for the web session or a key that manages the account
// (`credentials`), so a read-only key stays read-only.

import { ChartPreferences, ChartPreferencesView } from '@bourse/protocol';
import { ApiError } from '../error-catalogue.ts';
import { type RouteDef, route } from './route-def.ts';
import { caller } from './route-helpers.ts';

const CHART = 'chart';

export const preferenceRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/api/v1/account/preferences/chart',
    summary:
      "Your price chart's indicators with their parameters (saved: false until first saved).",
    tag: 'account',
    auth: 'read',
    response: ChartPreferencesView,
    handler: async (ctx) => {
      const p = caller(ctx);
      const stored = await ctx.services.auth.preference(p.userId, CHART);
      if (stored === undefined) return { saved: false, indicators: [], updatedAt: null };
      const value = JSON.parse(stored.value) as ChartPreferences;
      return { saved: true, indicators: value.indicators, updatedAt: stored.updatedAt };
    },
  }),
  route({
    method: 'PUT',
    path: '/api/v1/account/preferences/chart',
    summary: "Save your price chart's indicators (replaces what was saved).",
    tag: 'account',
    auth: 'read',
    body: ChartPreferences,
    response: ChartPreferencesView,
    handler: async (ctx) => {
      const p = caller(ctx);
      if (p.via === 'key' && !p.scopes.has('credentials')) {
        throw new ApiError(
          'FORBIDDEN',
          "A key without the credentials scope cannot change the account's settings.",
        );
      }
      const now = ctx.services.clock();
      const value: ChartPreferences = { indicators: ctx.body.indicators };
      await ctx.services.auth.setPreference(p.userId, CHART, JSON.stringify(value), now);
      return { saved: true, indicators: value.indicators, updatedAt: now };
    },
  }),
];
