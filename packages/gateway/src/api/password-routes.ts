// Passwords: a user changes their own (proving the current one, under the login backoff, and ending
// their other web sessions), and, when the operator switches it on, people sign themselves up with the
// role the operator's policy gives (off by default). An admin's reset is the user PATCH (admin-routes.ts).

import { ChangePasswordBody, SignupBody } from '@bourse/protocol';
import { ApiError } from '../error-catalogue.ts';
import { clientIp } from '../http/http-pipeline.ts';
import { createUserWithAccount } from './admin-routes.ts';
import { type RouteDef, route } from './route-def.ts';
import { caller } from './route-helpers.ts';

export const SIGNUP_PATH = '/api/v1/auth/signup';

export const passwordRoutes: RouteDef[] = [
  route({
    method: 'POST',
    path: '/api/v1/account/password',
    summary: 'Change your own password (the current one is required); your other web sessions end.',
    tag: 'account',
    auth: 'credentials',
    body: ChangePasswordBody,
    handler: async (ctx) => {
      const s = ctx.services;
      const p = caller(ctx);
      const ip = clientIp(ctx.req);
      // The same backoff as logins: a stolen session must not become a password oracle.
      const gate = s.loginThrottle.admit(p.username, ip, s.clock());
      if (!gate.ok) {
        throw new ApiError('RATE_LIMITED', gate.reason, { retryAfter: gate.retryAfterSeconds });
      }
      const user = await s.auth.checkPassword(p.username, ctx.body.currentPassword);
      if (user === undefined || user.userId !== p.userId) throw new ApiError('WRONG_PASSWORD');
      s.loginThrottle.succeeded(p.username, ip, s.clock());
      await s.auth.setPassword(p.userId, ctx.body.newPassword);
      const ended = await s.auth.deleteOtherSessions(p.userId, p.sessionId, s.clock());
      s.authenticator.endSessions(ended);
      s.authenticator.forgetUser(p.userId);
      return { changed: true, sessionsEnded: ended.length };
    },
  }),
  route({
    method: 'GET',
    path: SIGNUP_PATH,
    summary: 'Whether people may sign themselves up here.',
    tag: 'account',
    auth: 'public',
    handler: (ctx) => ({ enabled: ctx.services.signupRole !== undefined }),
  }),
  route({
    method: 'POST',
    path: SIGNUP_PATH,
    created: true,
    summary:
      "Sign yourself up (only when the operator enabled it); the role is the operator's policy.",
    tag: 'account',
    auth: 'public',
    body: SignupBody,
    handler: async (ctx) => {
      const s = ctx.services;
      const role = s.signupRole;
      if (role === undefined) throw new ApiError('SIGNUP_DISABLED');
      const user = await createUserWithAccount(s, { ...ctx.body, role }, true);
      ctx.status = 201;
      return { userId: user.userId, username: user.username, role: user.role };
    },
  }),
];
