// Surveillance through the admin API (scope `admin`): the kill switch that freezes an account (a
// journaled engine command: its live orders are cancelled and new ones refused until unfrozen), the
// alerts the detectors raised with their evidence and an admin's verdict on each, beneficial-owner
// links, and per-market detector thresholds. Alerts, links and thresholds live in the read models.

import type { AlertDetail, AlertRow } from '@bourse/projections';
import {
  AccountFrozenBody,
  AccountFrozenResponse,
  AlertDetailView,
  AlertStatusBody,
  AlertsPage,
  AlertsQuery,
  OwnerLinkBody,
  OwnerLinksResponse,
  ThresholdsBody,
  ThresholdsResponse,
} from '@bourse/protocol';
import { DEFAULT_THRESHOLDS, withOverrides } from '@bourse/surveillance';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayServices } from './gateway-services.ts';
import { type RouteDef, route } from './route-def.ts';
import { caller, idParam, readModel } from './route-helpers.ts';

/** Freezes or unfreezes an account; the admin API and `bourse account freeze` both come here. */
export async function setAccountFrozen(s: GatewayServices, accountId: number, frozen: boolean) {
  const applied = await s.submit({ type: 'setAccountFrozen', accountId, frozen });
  const cancelledOrders = applied.events.filter((e) => e.type === 'orderCancelled').length;
  return { accountId, frozen, cancelledOrders, seq: applied.seq };
}

function symbolOf(s: GatewayServices, instrumentId: number): string {
  return s.hub.market(instrumentId)?.spec.symbol ?? String(instrumentId);
}

function alertView(s: GatewayServices, a: AlertRow) {
  return {
    alertId: a.alertId,
    kind: a.kind,
    market: symbolOf(s, a.instrumentId),
    instrumentId: a.instrumentId,
    accountIds: a.accountIds,
    firstSeq: a.firstSeq,
    firstTs: a.firstTs,
    lastSeq: a.lastSeq,
    lastTs: a.lastTs,
    summary: a.summary,
    status: a.status,
    statusBy: a.statusBy ?? null,
    statusNote: a.statusNote ?? null,
    statusTs: a.statusTs ?? null,
  };
}

function detailView(s: GatewayServices, a: AlertDetail) {
  return { ...alertView(s, a), orders: a.orders, fills: a.fills, measures: a.measures };
}

/** The alert id of the path, or a 404. */
async function alertOf(s: GatewayServices, id: string | undefined) {
  const a = id === undefined ? undefined : await s.core.readModels.alert(id);
  if (a === undefined) throw new ApiError('NOT_FOUND', `No alert ${String(id)}.`);
  return a;
}

const alertRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/api/v1/admin/surveillance/alerts',
    summary: 'Surveillance alerts, newest first (filter by status, kind, account, market).',
    tag: 'admin',
    auth: 'admin',
    query: AlertsQuery,
    response: AlertsPage,
    handler: async (ctx) => {
      const s = ctx.services;
      const q = ctx.query;
      await s.historyBarrier();
      const page = await readModel(() =>
        s.core.readModels.alerts({
          ...(q.status === undefined ? {} : { status: q.status }),
          ...(q.kind === undefined ? {} : { kind: q.kind }),
          ...(q.accountId === undefined ? {} : { accountId: q.accountId }),
          ...(q.market === undefined ? {} : { instrumentId: s.market(q.market).spec.instrumentId }),
          ...(q.limit === undefined ? {} : { limit: q.limit }),
          ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        }),
      );
      return {
        items: page.items.map((a) => alertView(s, a)),
        ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
      };
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/surveillance/alerts/:alertId',
    summary: 'One surveillance alert with its evidence (orders, fills, measures).',
    tag: 'admin',
    auth: 'admin',
    response: AlertDetailView,
    handler: async (ctx) =>
      detailView(ctx.services, await alertOf(ctx.services, ctx.params.alertId)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/surveillance/alerts/:alertId/status',
    summary: 'Acknowledge or escalate an alert (or open it again), with a note.',
    tag: 'admin',
    auth: 'admin',
    body: AlertStatusBody,
    response: AlertDetailView,
    handler: async (ctx) => {
      const s = ctx.services;
      const a = await alertOf(s, ctx.params.alertId);
      const change = { by: caller(ctx).username, ts: s.clock() };
      const updated = await s.core.readModels.setAlertStatus(
        a.alertId,
        ctx.body.status,
        ctx.body.note,
        change,
      );
      return detailView(s, updated ?? a);
    },
  }),
];

const ownerRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/api/v1/admin/surveillance/owners',
    summary:
      'Beneficial-owner links: accounts with the same owner are one owner to the wash detector.',
    tag: 'admin',
    auth: 'admin',
    response: OwnerLinksResponse,
    handler: async (ctx) => ({ items: await ctx.services.core.readModels.ownerLinks() }),
  }),
  route({
    method: 'PUT',
    path: '/api/v1/admin/surveillance/owners',
    summary: 'Link accounts as one beneficial owner (their earlier links are replaced).',
    tag: 'admin',
    auth: 'admin',
    body: OwnerLinkBody,
    response: OwnerLinksResponse,
    handler: async (ctx) => {
      const s = ctx.services;
      const known = new Set((await s.core.query.accounts()).map((a) => a.accountId));
      const missing = ctx.body.accountIds.find((a) => !known.has(a));
      if (missing !== undefined) throw new ApiError('NOT_FOUND', `No account ${missing}.`);
      const owner = ctx.body.owner ?? `owner-${Math.min(...ctx.body.accountIds)}`;
      const change = { by: caller(ctx).username, ts: s.clock() };
      await s.core.readModels.linkOwners(ctx.body.accountIds, owner, change);
      return { items: await s.core.readModels.ownerLinks() };
    },
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/admin/surveillance/owners/:accountId',
    summary: "Remove an account's beneficial-owner link.",
    tag: 'admin',
    auth: 'admin',
    response: OwnerLinksResponse,
    handler: async (ctx) => {
      const s = ctx.services;
      if (!(await s.core.readModels.unlinkOwner(idParam(ctx, 'accountId', 'NOT_FOUND')))) {
        throw new ApiError('NOT_FOUND', 'That account has no owner link.');
      }
      return { items: await s.core.readModels.ownerLinks() };
    },
  }),
];

async function thresholdsView(s: GatewayServices) {
  const rows = await s.core.readModels.thresholdOverrides();
  return {
    defaults: DEFAULT_THRESHOLDS,
    markets: rows.map((r) => ({
      market: symbolOf(s, r.instrumentId),
      instrumentId: r.instrumentId,
      overrides: r.overrides,
      effective: withOverrides(r.overrides),
      updatedBy: r.updatedBy,
      updatedTs: r.updatedTs,
    })),
  };
}

const thresholdRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/api/v1/admin/surveillance/thresholds',
    summary: "The detectors' default thresholds and each market's overrides.",
    tag: 'admin',
    auth: 'admin',
    response: ThresholdsResponse,
    handler: (ctx) => thresholdsView(ctx.services),
  }),
  route({
    method: 'PUT',
    path: '/api/v1/admin/surveillance/thresholds/:market',
    summary: "Set a market's threshold overrides ({} restores the defaults).",
    tag: 'admin',
    auth: 'admin',
    body: ThresholdsBody,
    response: ThresholdsResponse,
    handler: async (ctx) => {
      const s = ctx.services;
      const instrumentId = s.market(ctx.params.market!).spec.instrumentId;
      const overrides = ctx.body.overrides;
      const change = { by: caller(ctx).username, ts: s.clock() };
      const none = Object.keys(overrides).length === 0;
      await s.core.readModels.setThresholds(instrumentId, none ? undefined : overrides, change);
      return thresholdsView(s);
    },
  }),
];

export const surveillanceRoutes: RouteDef[] = [
  route({
    method: 'PUT',
    path: '/api/v1/admin/accounts/:accountId/frozen',
    summary:
      'Freeze an account (cancel its live orders and refuse new ones: the kill switch) or unfreeze it.',
    tag: 'admin',
    auth: 'admin',
    body: AccountFrozenBody,
    response: AccountFrozenResponse,
    handler: (ctx) =>
      setAccountFrozen(ctx.services, idParam(ctx, 'accountId', 'NOT_FOUND'), ctx.body.frozen),
  }),
  ...alertRoutes,
  ...ownerRoutes,
  ...thresholdRoutes,
];
