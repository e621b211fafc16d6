// The caller's own identity, web sessions (password login → HttpOnly SameSite cookie + CSRF token) and
// API keys. Managing keys needs the `credentials` scope; a key can never carry more than the user's
// role allows, and a signed request may only create keys whose scopes it holds itself.

import { generateKeyPairSync } from 'node:crypto';
import { CLEAR_SESSION_COOKIE, SESSION_COOKIE, readCookie } from '../auth/authenticator.ts';
import { DEFAULT_KEY_SCOPES, roleScopes } from '../auth/roles.ts';
import { ApiError } from '../error-catalogue.ts';
import { clientIp } from '../http/http-pipeline.ts';
import { servedOverTls } from '../ops/security-headers.ts';
import { type RouteDef, route } from './route-def.ts';
import { caller } from './route-helpers.ts';
import { CreateApiKeyBody, LoginBody } from '@bourse/protocol';

export const SESSION_TTL_MS = 12 * 3_600_000;

function keyView(k: {
  keyId: string;
  label: string;
  keyType: string;
  scopes: readonly string[];
  createdAt: number;
  revokedAt: number | null;
}) {
  return {
    keyId: k.keyId,
    label: k.label,
    keyType: k.keyType,
    scopes: k.scopes,
    createdAt: k.createdAt,
    revokedAt: k.revokedAt,
  };
}

/** The account routes by name, so in-process callers (the Kalshi adapter) run them typed. */
export const accountOperations = {
  login: route({
    method: 'POST',
    path: '/api/v1/session/login',
    summary:
      'Password login for the web UI: sets an HttpOnly session cookie, returns the CSRF token.',
    tag: 'account',
    auth: 'public',
    body: LoginBody,
    handler: async (ctx) => {
      const s = ctx.services;
      const { username, password } = ctx.body;
      const ip = clientIp(ctx.req);
      const gate = s.loginThrottle.admit(username, ip, s.clock());
      if (!gate.ok) {
        throw new ApiError('RATE_LIMITED', gate.reason, { retryAfter: gate.retryAfterSeconds });
      }
      const user = await s.auth.checkPassword(username, password);
      if (user === undefined) throw new ApiError('BAD_CREDENTIALS');
      s.loginThrottle.succeeded(username, ip, s.clock());
      const { token, csrfToken } = await s.auth.createSession(
        user.userId,
        s.clock(),
        SESSION_TTL_MS,
        {
          userAgent: ctx.req.headers['user-agent'],
          ip: clientIp(ctx.req),
        },
      );
      const secure = servedOverTls(ctx.req) ? '; Secure' : '';
      ctx.res.setHeader(
        'set-cookie',
        `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_TTL_MS / 1000}${secure}`,
      );
      return {
        csrfToken,
        user: {
          userId: user.userId,
          username: user.username,
          role: user.role,
          accountId: user.accountId,
        },
      };
    },
  }),
  logout: route({
    method: 'POST',
    path: '/api/v1/session/logout',
    summary: 'End the web session (its open sockets close too).',
    tag: 'account',
    auth: 'read',
    handler: async (ctx) => {
      const token = readCookie(ctx.req.headers.cookie, SESSION_COOKIE);
      const ended = token === undefined ? undefined : await ctx.services.auth.deleteSession(token);
      if (ended !== undefined) ctx.services.authenticator.endSessions([ended]);
      ctx.res.setHeader('set-cookie', CLEAR_SESSION_COOKIE);
      return { ok: true };
    },
  }),
  account: route({
    method: 'GET',
    path: '/api/v1/account',
    summary: 'Who is calling: user, role, account id and the scopes of this request.',
    tag: 'account',
    auth: 'read',
    handler: (ctx) => {
      const p = caller(ctx);
      return {
        userId: p.userId,
        username: p.username,
        role: p.role,
        accountId: p.accountId,
        scopes: [...p.scopes],
        via: p.via,
        csrfToken: p.csrfToken ?? null,
      };
    },
  }),
  listApiKeys: route({
    method: 'GET',
    path: '/api/v1/account/api-keys',
    summary: "The user's API keys (public information only).",
    tag: 'account',
    auth: 'credentials',
    handler: async (ctx) => ({
      items: (await ctx.services.auth.apiKeys(caller(ctx).userId)).map(keyView),
    }),
  }),
  createApiKey: route({
    method: 'POST',
    path: '/api/v1/account/api-keys',
    created: true,
    summary:
      'Register a public key (RSA ≥ 2048 or Ed25519, SPKI PEM), or let the server generate an RSA pair and return the private key once.',
    tag: 'account',
    auth: 'credentials',
    body: CreateApiKeyBody,
    handler: async (ctx) => {
      const p = caller(ctx);
      const body = ctx.body;
      const allowed = p.via === 'session' ? new Set(roleScopes(p.role)) : p.scopes;
      const scopes = body.scopes ?? DEFAULT_KEY_SCOPES.filter((s) => allowed.has(s));
      if (!scopes.every((s) => allowed.has(s))) {
        throw new ApiError('FORBIDDEN', 'A key cannot have scopes beyond the caller.');
      }
      let publicKeyPem = body.publicKeyPem;
      let privateKeyPem: string | undefined;
      if (body.generate === true) {
        const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
        publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
        privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      }
      if (publicKeyPem === undefined) {
        throw new ApiError('VALIDATION_FAILED', 'Send publicKeyPem or generate: true.');
      }
      let record: Awaited<ReturnType<typeof ctx.services.auth.addApiKey>>;
      try {
        record = await ctx.services.auth.addApiKey({
          userId: p.userId,
          publicKeyPem,
          scopes,
          label: body.label ?? '',
          now: ctx.services.clock(),
        });
      } catch (error) {
        if (error instanceof RangeError) throw new ApiError('INVALID_KEY');
        throw error;
      }
      await ctx.services.note({
        action: 'apikey.create',
        subject: `apikey:${record.keyId}`,
        detail: `user:${p.userId} scopes=${record.scopes.join(',')}`,
        actor: p.userId,
      });
      ctx.status = 201;
      return privateKeyPem === undefined ? keyView(record) : { ...keyView(record), privateKeyPem };
    },
  }),
  revokeApiKey: route({
    method: 'DELETE',
    path: '/api/v1/account/api-keys/:keyId',
    summary: 'Revoke one of your API keys.',
    tag: 'account',
    auth: 'credentials',
    handler: async (ctx) => {
      const s = ctx.services;
      const keyId = ctx.params.keyId!;
      const userId = caller(ctx).userId;
      if (!(await s.auth.revokeApiKey(userId, keyId, s.clock()))) throw new ApiError('NOT_FOUND');
      s.authenticator.forgetKey(keyId);
      await s.note({ action: 'apikey.revoke', subject: `apikey:${keyId}`, actor: userId });
      return { keyId, revoked: true };
    },
  }),
};

export const accountRoutes: RouteDef[] = Object.values(accountOperations);
