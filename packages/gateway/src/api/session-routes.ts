// The caller's own web sessions: list them (id, login time, last use, expiry, user agent and address
// of the login; never the cookie or CSRF token) and revoke one or every other. A revoked session's
// cookie stops working at once and its open WebSockets close (1008 CREDENTIALS_REVOKED). Another
// user's session id is answered exactly like an unknown one (SESSION_NOT_FOUND), so ids cannot be
// probed. With the cookie, the DELETEs need the CSRF header like every other change. All of it needs
// the `credentials` scope, which a web session has and an API key only when given it.

import { CLEAR_SESSION_COOKIE } from '../auth/authenticator.ts';
import { ApiError } from '../error-catalogue.ts';
import { SessionListSchema, SessionRevokedSchema, SessionsRevokedSchema } from '@bourse/protocol';
import { type RequestContext, type RouteDef, route } from './route-def.ts';
import { caller } from './route-helpers.ts';

export const SESSIONS_PATH = '/api/v1/auth/sessions';

/** Session ids are 16 random bytes in lowercase hex. */
const SESSION_ID = /^[0-9a-f]{32}$/;

/** Tells the browser to drop the session cookie (the caller revoked its own session). */
function clearCookie(ctx: RequestContext): void {
  ctx.res.setHeader('set-cookie', CLEAR_SESSION_COOKIE);
}

export const sessionRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: SESSIONS_PATH,
    summary:
      'Your live web sessions, newest first; `current` marks the one this request came with.',
    tag: 'account',
    auth: 'credentials',
    response: SessionListSchema,
    handler: async (ctx) => {
      const p = caller(ctx);
      const s = ctx.services;
      const items = (await s.auth.sessions(p.userId, s.clock())).map((x) => ({
        ...x,
        current: x.sessionId === p.sessionId,
      }));
      return { items };
    },
  }),
  route({
    method: 'DELETE',
    path: `${SESSIONS_PATH}/:sessionId`,
    summary:
      'Revoke one of your web sessions: its cookie stops working and its sockets close. ' +
      'Unknown ids and other users’ sessions get SESSION_NOT_FOUND.',
    tag: 'account',
    auth: 'credentials',
    response: SessionRevokedSchema,
    handler: async (ctx) => {
      const p = caller(ctx);
      const s = ctx.services;
      const sessionId = ctx.params.sessionId ?? '';
      if (
        !SESSION_ID.test(sessionId) ||
        !(await s.auth.deleteSessionById(p.userId, sessionId, s.clock()))
      ) {
        throw new ApiError('SESSION_NOT_FOUND', `No session ${sessionId.slice(0, 64)}.`);
      }
      s.authenticator.endSessions([sessionId]);
      if (sessionId === p.sessionId) clearCookie(ctx);
      return { sessionId, revoked: true };
    },
  }),
  route({
    method: 'DELETE',
    path: SESSIONS_PATH,
    summary:
      'Revoke all your web sessions but the one this request came with (all of them when the ' +
      'request is signed or uses a bearer token).',
    tag: 'account',
    auth: 'credentials',
    response: SessionsRevokedSchema,
    handler: async (ctx) => {
      const p = caller(ctx);
      const s = ctx.services;
      const ended = await s.auth.deleteOtherSessions(p.userId, p.sessionId, s.clock());
      s.authenticator.endSessions(ended);
      return { revoked: ended.length };
    },
  }),
];
