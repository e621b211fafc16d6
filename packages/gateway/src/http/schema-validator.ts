// Compiles each route's JSON schemas once with Ajv. Bodies are validated strictly (no coercion, unknown
// properties refused); query strings arrive as text, so their validator coerces numbers and booleans.

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { ApiError } from '../error-catalogue.ts';

const bodyAjv = new Ajv({ allErrors: false, strict: false });
const queryAjv = new Ajv({ allErrors: false, strict: false, coerceTypes: true });
const responseAjv = new Ajv({ allErrors: false, strict: false });

export type Validator = (value: unknown) => void;

function describe(errors: ErrorObject[] | null | undefined, where: string): string {
  const e = errors?.[0];
  if (e === undefined) return `Invalid ${where}.`;
  const at = e.instancePath === '' ? where : `${where}${e.instancePath}`;
  const extra =
    e.keyword === 'additionalProperties'
      ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
      : '';
  return `${at} ${e.message ?? 'is invalid'}${extra}.`;
}

function build(fn: ValidateFunction, where: string): Validator {
  return (value) => {
    if (!fn(value)) {
      throw new ApiError('VALIDATION_FAILED', describe(fn.errors, where), {
        details: (fn.errors ?? []).slice(0, 3).map((e) => ({
          path: e.instancePath,
          keyword: e.keyword,
          message: e.message,
        })),
      });
    }
  };
}

export function bodyValidator(schema: TSchema): Validator {
  return build(bodyAjv.compile(schema), 'body');
}

export function queryValidator(schema: TSchema): Validator {
  return build(queryAjv.compile(schema), 'query');
}

/**
 * Checks a handler's answer against its route's response schema, so a response that drifted from
 * what the API declares fails as a 500 naming the route and the field (on in tests, off in serve).
 */
export function responseValidator(schema: TSchema, route: string): Validator {
  const fn = responseAjv.compile(schema);
  return (value) => {
    if (!fn(value)) {
      throw new ApiError('INTERNAL', `${route}: ${describe(fn.errors, 'response')}`);
    }
  };
}

/** Validates a WebSocket message payload against a body schema (compiled once per schema). */
const cache = new WeakMap<TSchema, Validator>();
export function validatorFor(schema: TSchema): Validator {
  let v = cache.get(schema);
  if (v === undefined) cache.set(schema, (v = bodyValidator(schema)));
  return v;
}
