// Administration (scope `admin`): assets, markets and their lifecycle, settlement, exchange halts, users
// and roles, API keys for users, deposits and withdrawals, and the exchange's own checks (state hash,
// invariants). Each change is a journaled engine command except users and keys, which live in the
// auth store.

import {
  breakerRulesProblem,
  type CircuitBreakerConfig,
  type InstrumentSpec,
  priceViolation,
} from '@bourse/engine';
import type { UserRecord } from '../auth/auth-store.ts';
import type { Role } from '../auth/roles.ts';
import { DEFAULT_KEY_SCOPES, roleScopes } from '../auth/roles.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayServices } from './gateway-services.ts';
import { loadCatalogue, marketInfo, NO_INFO } from './catalogue.ts';
import { marketView } from './market-routes.ts';
import { type RequestContext, type RouteDef, route } from './route-def.ts';
import { idParam, readModel } from './route-helpers.ts';
import {
  AdminApiKeyBody,
  AuditQuery,
  CircuitBreakerBody,
  CreateAssetBody,
  CreateMarketBody,
  CreateUserBody,
  HaltBody,
  MarketInfoBody,
  MarketScheduleBody,
  MarketStatusBody,
  MoneyMoveBody,
  SettleBody,
  TitleBody,
  UpdateUserBody,
} from '@bourse/protocol';

function userView(u: UserRecord) {
  return {
    userId: u.userId,
    username: u.username,
    role: u.role,
    accountId: u.accountId,
    createdAt: u.createdAt,
    disabled: u.disabled,
    /** Null: the API's default tier applies. */
    apiTier: u.apiTier,
  };
}

/** Creates a user and its engine account (account id = user id). */
export function createUserWithAccount(
  s: GatewayServices,
  input: { username: string; role: Role; password?: string },
  signUp = false,
) {
  return s.allocating(() => createUser(s, input, signUp));
}

async function createUser(
  s: GatewayServices,
  input: { username: string; role: Role; password?: string },
  signUp: boolean,
) {
  if ((await s.auth.userByName(input.username)) !== undefined) throw new ApiError('USERNAME_TAKEN');
  const accounts = await s.core.query.accounts();
  const maxAccount = accounts.reduce((m, a) => Math.max(m, a.accountId), 0);
  const userId = Math.max(await s.auth.nextUserId(), maxAccount + 1);
  await s.submit({ type: 'createAccount', accountId: userId, userId, subaccount: 0 });
  const user = await s.auth.createUser({ ...input, userId, accountId: userId, now: s.clock() });
  await s.note({
    action: signUp ? 'user.signUp' : 'user.create',
    subject: `user:${userId}`,
    detail: `username=${user.username} role=${user.role}`,
    // A user who signs up creates themself.
    ...(signUp ? { actor: userId } : {}),
  });
  return user;
}

/**
 * Journals what an admin changes about a user (auth-store state, outside the engine) before it is
 * applied: a change the audit trail cannot hold is not made.
 */
async function noteUserChanges(
  s: GatewayServices,
  userId: number,
  body: { role?: Role; apiTier?: string | null; disabled?: boolean; password?: string },
): Promise<void> {
  const before = (await s.auth.user(userId))!;
  const subject = `user:${userId}`;
  if (body.role !== undefined && body.role !== before.role) {
    await s.note({ action: 'user.role', subject, detail: `${before.role} -> ${body.role}` });
  }
  if (body.disabled !== undefined && body.disabled !== before.disabled) {
    await s.note({ action: body.disabled ? 'user.disable' : 'user.enable', subject });
  }
  if (body.apiTier !== undefined && body.apiTier !== before.apiTier) {
    const detail = `${before.apiTier ?? 'default'} -> ${body.apiTier ?? 'default'}`;
    await s.note({ action: 'user.apiTier', subject, detail });
  }
  if (body.password !== undefined) await s.note({ action: 'user.passwordReset', subject });
}

async function accountOf(
  s: GatewayServices,
  body: { userId?: number; accountId?: number },
): Promise<number> {
  if (body.accountId !== undefined) return body.accountId;
  if (body.userId === undefined)
    throw new ApiError('VALIDATION_FAILED', 'Give userId or accountId.');
  const user = await s.auth.user(body.userId);
  if (user === undefined) throw new ApiError('USER_NOT_FOUND');
  return user.accountId;
}

async function nextInstrumentId(s: GatewayServices): Promise<number> {
  const all = await s.core.query.instruments();
  return all.reduce((m, v) => Math.max(m, v.spec.instrumentId), 0) + 1;
}

const NO_LIMITS = {
  maxOrderQtyLots: 0,
  maxOrderNotional: 0,
  maxPositionLots: 0,
  priceBandTicks: 0,
};

/** The engine's spec of a market as an admin (or a sandbox scenario) describes it: no fee, no limits by default. */
export function marketSpec(body: CreateMarketBody, instrumentId: number): InstrumentSpec {
  const { circuitBreaker: _breaker, referencePriceTicks: _reference, ...rest } = body;
  return {
    ...rest,
    instrumentId,
    fees: body.fees ?? { kind: 'none' },
    limits: body.limits ?? NO_LIMITS,
  } as InstrumentSpec;
}

/**
 * A new market's breaker (an admin's or a sandbox scenario's) is checked with the engine's rules
 * before the market is created, so a bad breaker leaves no market behind.
 */
export function checkBreaker(
  spec: InstrumentSpec,
  breaker: CircuitBreakerConfig | undefined,
  reference: number | undefined,
): void {
  if (breaker === undefined) {
    if (reference !== undefined) {
      throw new ApiError('VALIDATION_FAILED', 'referencePriceTicks needs a circuitBreaker.');
    }
    return;
  }
  const bad = breakerRulesProblem(breaker);
  if (bad !== undefined) {
    throw new ApiError('VALIDATION_FAILED', `circuitBreaker: ${bad.field} must be ${bad.rule}.`);
  }
  if (reference !== undefined && priceViolation(spec, reference) !== undefined) {
    throw new ApiError('VALIDATION_FAILED', 'referencePriceTicks must be a price on the grid.');
  }
}

/** A deposit or withdrawal: the two differ only in path, wording and the engine command. */
function moneyMoveRoute(path: string, summary: string, kind: 'deposit' | 'withdraw') {
  return route({
    method: 'POST',
    path,
    summary,
    tag: 'admin',
    auth: 'admin',
    body: MoneyMoveBody,
    handler: async (ctx) => {
      const s = ctx.services;
      const body = ctx.body;
      const accountId = await accountOf(s, body);
      const asset = s.asset(body.asset);
      const applied = await s.submit({
        type: kind,
        accountId,
        assetId: asset.assetId,
        amount: body.amount,
      });
      return { accountId, assetId: asset.assetId, amount: body.amount, seq: applied.seq };
    },
  });
}

/** A new asset, its id one more than the highest unless the admin gave one. */
async function createAsset(ctx: RequestContext<CreateAssetBody>) {
  const s = ctx.services;
  const body = ctx.body;
  if (s.assets().some((a) => a.code === body.code || a.assetId === body.assetId)) {
    throw new ApiError('DUPLICATE_ID', 'That asset code or id exists.');
  }
  const assetId = body.assetId ?? s.assets().reduce((m, a) => Math.max(m, a.assetId), 0) + 1;
  const applied = await s.submit({
    type: 'createAsset',
    assetId,
    code: body.code,
    scale: body.scale,
  });
  s.rememberAsset({ assetId, code: body.code, scale: body.scale });
  ctx.status = 201;
  return { assetId, code: body.code, scale: body.scale, seq: applied.seq };
}

export const adminRoutes: RouteDef[] = [
  route({
    method: 'POST',
    path: '/api/v1/admin/assets',
    created: true,
    summary: 'Create an asset (code, minor units per major unit).',
    tag: 'admin',
    auth: 'admin',
    body: CreateAssetBody,
    handler: (ctx) => ctx.services.allocating(() => createAsset(ctx)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/markets',
    created: true,
    summary: 'Create an instrument (binary market or spot pair); it starts in status created.',
    tag: 'admin',
    auth: 'admin',
    body: CreateMarketBody,
    handler: (ctx) =>
      ctx.services.allocating(async () => {
        const s = ctx.services;
        const body = ctx.body;
        if (s.hub.resolve(body.symbol) !== undefined)
          throw new ApiError('DUPLICATE_ID', 'Symbol in use.');
        const { circuitBreaker, referencePriceTicks } = body;
        const spec = marketSpec(body, body.instrumentId ?? (await nextInstrumentId(s)));
        checkBreaker(spec, circuitBreaker, referencePriceTicks);
        let applied = await s.submit({ type: 'createInstrument', spec });
        if (circuitBreaker !== undefined) {
          applied = await s.submit({
            type: 'setCircuitBreaker',
            instrumentId: spec.instrumentId,
            breaker: circuitBreaker,
            ...(referencePriceTicks === undefined ? {} : { referencePriceTicks }),
          });
        }
        const view = await s.core.query.instrument(spec.instrumentId);
        ctx.status = 201;
        return { seq: applied.seq, ...marketView(view!, s.hub, await loadCatalogue(s.auth)) };
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/markets/:market/status',
    summary: 'Open, pause or close a market (close cancels every resting order).',
    tag: 'admin',
    auth: 'admin',
    body: MarketStatusBody,
    handler: async (ctx) => {
      const s = ctx.services;
      const m = s.market(ctx.params.market!);
      const status = ctx.body.status;
      const applied = await s.submit({
        type: 'setMarketStatus',
        instrumentId: m.spec.instrumentId,
        status,
      });
      return { market: m.spec.symbol, status, seq: applied.seq };
    },
  }),
  route({
    method: 'PUT',
    path: '/api/v1/admin/markets/:market/schedule',
    summary:
      'Set when a market opens (only while created) and closes by itself; null for never. The ' +
      'whole schedule is replaced. The change happens on time even with no other activity.',
    tag: 'admin',
    auth: 'admin',
    body: MarketScheduleBody,
    handler: async (ctx) => {
      const s = ctx.services;
      const m = s.market(ctx.params.market!);
      const body = ctx.body;
      const applied = await s.submit({
        type: 'scheduleMarket',
        instrumentId: m.spec.instrumentId,
        opensAt: body.opensAt,
        closesAt: body.closesAt,
      });
      return {
        market: m.spec.symbol,
        opensAt: body.opensAt,
        closesAt: body.closesAt,
        seq: applied.seq,
      };
    },
  }),
  route({
    method: 'PUT',
    path: '/api/v1/admin/markets/:market/circuit-breaker',
    summary:
      "Set or (null) remove a market's circuit breaker: a trade that would move the price more " +
      'than moveTicks or moveBps from a trade of the last windowMs, or lie more than bandTicks ' +
      'from the reference price, pauses the market for pauseMs instead; it then reopens by itself.',
    tag: 'admin',
    auth: 'admin',
    body: CircuitBreakerBody,
    handler: async (ctx) => {
      const s = ctx.services;
      const m = s.market(ctx.params.market!);
      const { breaker, referencePriceTicks } = ctx.body;
      const applied = await s.submit({
        type: 'setCircuitBreaker',
        instrumentId: m.spec.instrumentId,
        breaker,
        ...(referencePriceTicks === undefined ? {} : { referencePriceTicks }),
      });
      const view = await s.core.query.instrument(m.spec.instrumentId);
      const market = marketView(view!, s.hub, await loadCatalogue(s.auth));
      return { market: m.spec.symbol, circuitBreaker: market.circuitBreaker, seq: applied.seq };
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/markets/:market/settle',
    summary: 'Settle a closed binary market: yes, no, or scalar with valueTicks.',
    tag: 'admin',
    auth: 'admin',
    body: SettleBody,
    handler: async (ctx) => {
      const s = ctx.services;
      const m = s.market(ctx.params.market!);
      const body = ctx.body;
      const applied = await s.submit({
        type: 'settleMarket',
        instrumentId: m.spec.instrumentId,
        ...body,
      });
      const payouts = applied.events.filter((e) => e.type === 'settled').length;
      return {
        market: m.spec.symbol,
        result: body.result,
        seq: applied.seq,
        accountsPaid: payouts,
      };
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/halt',
    summary: 'Halt or resume the whole exchange.',
    tag: 'admin',
    auth: 'admin',
    body: HaltBody,
    handler: async (ctx) => {
      const halted = ctx.body.halted;
      const applied = await ctx.services.submit({ type: 'setHalt', halted });
      return { halted, seq: applied.seq };
    },
  }),
  route({
    method: 'PUT',
    path: '/api/v1/admin/markets/:market/info',
    summary:
      "Write a market's rules, resolution source and expected settlement time; fields left out keep what was written.",
    tag: 'admin',
    auth: 'admin',
    body: MarketInfoBody,
    handler: async (ctx) => {
      const s = ctx.services;
      const spec = s.market(ctx.params.market!).spec;
      const before = (await s.auth.marketInfo()).get(spec.symbol) ?? NO_INFO;
      const b = ctx.body;
      await s.auth.setMarketInfo(spec.symbol, {
        rulesPrimary: b.rulesPrimary ?? before.rulesPrimary,
        rulesSecondary: b.rulesSecondary ?? before.rulesSecondary,
        resolutionSource: b.resolutionSource ?? before.resolutionSource,
        settlesAt: b.settlesAt === undefined ? before.settlesAt : b.settlesAt,
      });
      return marketInfo(spec, await loadCatalogue(s.auth));
    },
  }),
  ...(['series', 'event'] as const).map((kind) =>
    route({
      method: 'PUT',
      path: `/api/v1/admin/${kind === 'series' ? 'series' : 'events'}/:ticker/title`,
      summary: `Name a${kind === 'event' ? 'n' : ''} ${kind}: its title heads its markets.`,
      tag: 'admin',
      auth: 'admin',
      body: TitleBody,
      handler: async (ctx) => {
        const ticker = ctx.params.ticker!;
        await ctx.services.auth.setTitle(kind, ticker, ctx.body.title);
        return { kind, ticker, title: ctx.body.title };
      },
    }),
  ),
  route({
    method: 'GET',
    path: '/api/v1/admin/users',
    summary: 'Every user with role and account.',
    tag: 'admin',
    auth: 'admin',
    handler: async (ctx) => ({ items: (await ctx.services.auth.users()).map(userView) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/users',
    created: true,
    summary: 'Create a user (and its engine account) with a role and optional password.',
    tag: 'admin',
    auth: 'admin',
    body: CreateUserBody,
    handler: async (ctx) => {
      // Without a password a user could never log in: refuse rather than create one.
      if (ctx.body.password === undefined) throw new ApiError('PASSWORD_REQUIRED');
      const user = await createUserWithAccount(ctx.services, ctx.body);
      ctx.status = 201;
      return userView(user);
    },
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/admin/users/:userId',
    summary: "Change a user's role, password or API tier, or disable the user.",
    tag: 'admin',
    auth: 'admin',
    body: UpdateUserBody,
    handler: async (ctx) => {
      const s = ctx.services;
      const userId = idParam(ctx, 'userId', 'USER_NOT_FOUND');
      if ((await s.auth.user(userId)) === undefined) throw new ApiError('USER_NOT_FOUND');
      const body = ctx.body;
      await noteUserChanges(s, userId, body);
      if (body.role !== undefined) await s.auth.setRole(userId, body.role);
      if (body.apiTier !== undefined) await s.auth.setApiTier(userId, body.apiTier);
      if (body.disabled !== undefined) await s.auth.setDisabled(userId, body.disabled);
      if (body.password !== undefined) {
        await s.auth.setPassword(userId, body.password);
        // A reset takes over from whoever knew the old password: the user's web sessions end.
        s.authenticator.endSessions(await s.auth.deleteOtherSessions(userId, undefined, s.clock()));
      }
      s.authenticator.forgetUser(userId);
      if (body.disabled === true) s.authenticator.forgetUserTokens(userId);
      // Sockets keep the scopes of the role they were opened with: a new role ends them.
      else if (body.role !== undefined) s.authenticator.endConnectionsOf(userId);
      return userView((await s.auth.user(userId))!);
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/users/:userId/api-keys',
    created: true,
    summary:
      "Register a public key for a user (scopes default to the user's role, without admin or credentials).",
    tag: 'admin',
    auth: 'admin',
    body: AdminApiKeyBody,
    handler: async (ctx) => {
      const s = ctx.services;
      const userId = idParam(ctx, 'userId', 'USER_NOT_FOUND');
      const user = await s.auth.user(userId);
      if (user === undefined) throw new ApiError('USER_NOT_FOUND');
      const body = ctx.body;
      const role = new Set(roleScopes(user.role));
      const scopes = body.scopes ?? DEFAULT_KEY_SCOPES.filter((x) => role.has(x));
      try {
        const k = await s.auth.addApiKey({
          userId,
          publicKeyPem: body.publicKeyPem,
          scopes,
          label: body.label ?? '',
          now: s.clock(),
        });
        await s.note({
          action: 'apikey.create',
          subject: `apikey:${k.keyId}`,
          detail: `user:${userId} scopes=${k.scopes.join(',')}`,
        });
        ctx.status = 201;
        return { keyId: k.keyId, userId, scopes: k.scopes, keyType: k.keyType };
      } catch (error) {
        if (error instanceof RangeError) throw new ApiError('INVALID_KEY');
        throw error;
      }
    },
  }),
  moneyMoveRoute('/api/v1/admin/deposits', 'Credit money to a user or account.', 'deposit'),
  moneyMoveRoute(
    '/api/v1/admin/withdrawals',
    'Debit available money from a user or account.',
    'withdraw',
  ),
  route({
    method: 'GET',
    path: '/api/v1/admin/audit',
    summary:
      'The audit log: every command the exchange sequenced, newest first, with its outcome and ' +
      'reject reason; filter by account, command type, outcome and time.',
    tag: 'admin',
    auth: 'admin',
    query: AuditQuery,
    handler: async (ctx) => {
      const s = ctx.services;
      const q = ctx.query;
      await s.historyBarrier();
      const page = await readModel(() => s.core.readModels.audit(q));
      const items = page.items.map((r) => ({
        seq: r.seq,
        ts: r.ts,
        commandType: r.commandType,
        accountId: r.accountId ?? null,
        market:
          r.instrumentId === undefined ? null : (s.hub.market(r.instrumentId)?.spec.symbol ?? null),
        orderId: r.orderId ?? null,
        outcome: r.outcome,
        reason: r.reason ?? null,
        eventCount: r.eventCount,
        actor: r.actor ?? null,
      }));
      return page.nextCursor === undefined ? { items } : { items, nextCursor: page.nextCursor };
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/state',
    summary: "The engine's state hash at its last seq, and the invariant check.",
    tag: 'admin',
    auth: 'admin',
    handler: async (ctx) => {
      const q = ctx.services.core.query;
      const [hash, violations] = await Promise.all([q.stateHash(), q.verify()]);
      return { ...hash, durableSeq: ctx.services.core.durableSeq, violations };
    },
  }),
];
