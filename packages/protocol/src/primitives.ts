// The building blocks of every schema of the native API: integers in the engine's units (always safe
// integers on the wire), strict objects that refuse unknown properties, market references and pages.

import { type Static, type TSchema, Type } from '@sinclair/typebox';
import {
  NAME_MAX_LENGTH,
  NAME_PATTERN,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from './names.ts';

const MAX = Number.MAX_SAFE_INTEGER;
export const PosInt = (description?: string) =>
  Type.Integer({ minimum: 1, maximum: MAX, ...(description ? { description } : {}) });
export const NonNegInt = (description?: string) =>
  Type.Integer({ minimum: 0, maximum: MAX, ...(description ? { description } : {}) });
/** Request objects refuse properties they do not know. */
export const strict = { additionalProperties: false } as const;

/** A response integer (engine units). */
export const Int = Type.Integer();
export const NullableInt = Type.Union([Type.Integer(), Type.Null()]);

export const MarketRef = Type.Union([Type.String({ minLength: 1, maxLength: 64 }), PosInt()], {
  description: 'Market symbol or numeric instrument id.',
});

/** A username or a market symbol (names.ts). */
export const Name = Type.String({
  minLength: 1,
  maxLength: NAME_MAX_LENGTH,
  pattern: NAME_PATTERN,
});
/** A password being set (names.ts); a password being checked is only bounded. */
export const NewPassword = Type.String({
  minLength: PASSWORD_MIN_LENGTH,
  maxLength: PASSWORD_MAX_LENGTH,
});

/** `limit` of a paged query. */
export const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 }));
/** `cursor` of a paged query: the `nextCursor` of the previous page. */
export const Cursor = Type.Optional(Type.String({ minLength: 1, maxLength: 512 }));

/** A page of a list endpoint. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Optional(Type.String()) });

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
});

export type ErrorBody = Static<typeof ErrorBody>;
