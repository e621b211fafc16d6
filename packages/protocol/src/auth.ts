// Credentials: logins, API keys, bearer tokens and web sessions.

import { type Static, Type } from '@sinclair/typebox';
import { Name, NewPassword, strict } from './primitives.ts';

/** What an API key may do; `credentials` is managing the user's keys and web sessions. */
export const SCOPES = ['read', 'trade', 'admin', 'credentials'] as const;
export type Scope = (typeof SCOPES)[number];

export const Scopes = Type.Array(Type.Union(SCOPES.map((s) => Type.Literal(s))), {
  minItems: 1,
  maxItems: SCOPES.length,
  uniqueItems: true,
});
export const CreateApiKeyBody = Type.Object(
  {
    publicKeyPem: Type.Optional(Type.String({ minLength: 40, maxLength: 8192 })),
    /** Let the server make an RSA key pair and return the private key once (never stored). */
    generate: Type.Optional(Type.Boolean()),
    scopes: Type.Optional(Scopes),
    label: Type.Optional(Type.String({ maxLength: 100 })),
  },
  strict,
);
export const TOKEN_TTL_SECONDS = { min: 60, max: 86_400, default: 3_600 } as const;

export const IssueTokenBody = Type.Object(
  {
    ttlSeconds: Type.Optional(
      Type.Integer({
        minimum: TOKEN_TTL_SECONDS.min,
        maximum: TOKEN_TTL_SECONDS.max,
        description: `Lifetime of the token in seconds (default ${TOKEN_TTL_SECONDS.default}).`,
      }),
    ),
  },
  strict,
);

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  strict,
);

/** A user's own password change: the current password proves it is them, not a stolen session. */
export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: NewPassword },
  strict,
);
/** Self sign-up, when the operator allows it: the role is the operator's policy, not the caller's. */
export const SignupBody = Type.Object(
  {
    username: Name,
    password: NewPassword,
  },
  strict,
);

export const IssuedTokenSchema = Type.Object({
  token: Type.String({ description: 'Send as `Authorization: Bearer <token>`; shown only once.' }),
  expiresAt: Type.Integer({ description: 'Milliseconds since 1970.' }),
  keyId: Type.String(),
  scopes: Type.Array(Type.String()),
});

export const SessionSchema = Type.Object({
  sessionId: Type.String({
    description: 'Public id of the session (not its cookie); revoke it by this id.',
  }),
  createdAt: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Login time, milliseconds since 1970 (null for sessions older than this field).',
  }),
  lastSeenAt: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Last authenticated request or socket handshake, to the minute.',
  }),
  expiresAt: Type.Integer({ description: 'Milliseconds since 1970.' }),
  userAgent: Type.Union([Type.String(), Type.Null()], {
    description: 'User-Agent of the login request (at most 256 characters).',
  }),
  ip: Type.Union([Type.String(), Type.Null()], { description: 'Address of the login request.' }),
  current: Type.Boolean({ description: 'The session this request was authenticated with.' }),
});

export const SessionListSchema = Type.Object({ items: Type.Array(SessionSchema) });

export const SessionRevokedSchema = Type.Object({
  sessionId: Type.String(),
  revoked: Type.Boolean(),
});

export const SessionsRevokedSchema = Type.Object({
  revoked: Type.Integer({ description: 'How many sessions were ended.' }),
});
export type IssuedToken = Static<typeof IssuedTokenSchema>;
export type SessionView = Static<typeof SessionSchema>;

export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>;
export type IssueTokenBody = Static<typeof IssueTokenBody>;
export type LoginBody = Static<typeof LoginBody>;
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;
export type SignupBody = Static<typeof SignupBody>;
