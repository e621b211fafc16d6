// Bearer tokens for programs: a request signed with an API key trades its signature for a short-lived
// token, so later requests skip per-request signature verification (the dominant cost of signed REST
// order entry). The token acts as that key (same scopes, same per-key rate limit) until it expires, is
// revoked, or its key is revoked. Sessions cannot mint: a token must trace back to a private key.

import { ApiError } from '../error-catalogue.ts';
import { IssuedTokenSchema, IssueTokenBody, TOKEN_TTL_SECONDS } from '@bourse/protocol';
import { type RouteDef, route } from './route-def.ts';
import { caller } from './route-helpers.ts';

export const TOKEN_PATH = '/api/v1/auth/token';

export const tokenRoutes: RouteDef[] = [
  route({
    method: 'POST',
    path: TOKEN_PATH,
    created: true,
    signedOnly: true,
    summary:
      'Mint a bearer token for the API key that signed this request (signed requests only; ' +
      'sessions and tokens get API_KEY_REQUIRED).',
    tag: 'account',
    auth: 'read',
    body: IssueTokenBody,
    response: IssuedTokenSchema,
    handler: async (ctx) => {
      const body = ctx.body;
      const ttlSeconds = body.ttlSeconds ?? TOKEN_TTL_SECONDS.default;
      const issued = await ctx.services.authenticator.issueToken(caller(ctx), ttlSeconds * 1000);
      ctx.status = 201;
      return issued;
    },
  }),
  route({
    method: 'DELETE',
    path: TOKEN_PATH,
    summary: 'Revoke the bearer token this request presents.',
    tag: 'account',
    auth: 'read',
    handler: async (ctx) => {
      if (!(await ctx.services.authenticator.revokeToken(caller(ctx)))) {
        throw new ApiError(
          'TOKEN_INVALID',
          'Present the token to revoke as Authorization: Bearer.',
        );
      }
      return { revoked: true };
    },
  }),
];
