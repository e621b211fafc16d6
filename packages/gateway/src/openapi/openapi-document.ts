// The OpenAPI 3.1 document, built from the same route table and JSON schemas the gateway validates with,
// so the published description cannot drift from what the server accepts.

import type { TSchema } from '@sinclair/typebox';
import type { RouteDef } from '../api/route-def.ts';
import { ErrorBody } from '@bourse/protocol';
import { errorCatalogue } from '../error-catalogue.ts';

/** JSON Schema without TypeBox's symbol keys (they do not survive JSON anyway). */
function plain(schema: TSchema): unknown {
  return JSON.parse(JSON.stringify(schema));
}

function queryParameters(schema: TSchema | undefined) {
  if (schema === undefined) return [];
  const props = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  const required = new Set((schema as { required?: string[] }).required ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: plain(s),
  }));
}

function pathParameters(path: string) {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
}

const SIGNED = { signedKey: [], signedTimestamp: [], signature: [] };

function security(r: RouteDef) {
  if (r.auth === 'public') return [];
  if (r.signedOnly === true) return [SIGNED];
  return [SIGNED, { bearer: [] }, { session: [] }];
}

export function openApiDocument(routes: readonly RouteDef[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const p = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${p.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      parameters: [...pathParameters(r.path), ...queryParameters(r.query)],
      responses: {
        [r.created ? '201' : '200']: {
          description: 'Success.',
          content: { 'application/json': { schema: r.response ? plain(r.response) : {} } },
        },
        default: {
          description: 'An error from the catalogue.',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
      security: security(r),
      'x-scope': r.auth,
    };
    if (r.body !== undefined) {
      op.requestBody = {
        required: ((r.body as { required?: string[] }).required ?? []).length > 0,
        content: { 'application/json': { schema: plain(r.body) } },
      };
    }
    (paths[p] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Bourse native API',
      version,
      description:
        'Prices are integer ticks, quantities integer lots, money integer minor units of its asset. ' +
        'Order ids are command sequence numbers. Signed requests: KALSHI-ACCESS-KEY, ' +
        'KALSHI-ACCESS-TIMESTAMP (ms) and KALSHI-ACCESS-SIGNATURE = canonical base64 (standard ' +
        'alphabet, padded) of an RSA-PSS/SHA-256 (or Ed25519) signature over timestamp + METHOD + ' +
        'path (without query), each signature accepted once; to bind the body too, send ' +
        'BOURSE-ACCESS-BODY-SHA256 (lowercase hex SHA-256 of the body) and sign timestamp + METHOD + ' +
        'path + "\\n" + that digest. Bearer tokens: a signed ' +
        'POST /api/v1/auth/token returns a short-lived token; send it as ' +
        '`Authorization: Bearer <token>` instead of signing each request (same key, same scopes). ' +
        'WebSocket: /api/v1/ws (public channels book, trades, ticker and candles; private orders, ' +
        'fills, balances and positions; order entry; cancel-on-disconnect with the ' +
        'cancelOnDisconnect op or ?cancelOnDisconnect=1 on the handshake, see docs/api.md).',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Error: plain(ErrorBody) },
      securitySchemes: {
        signedKey: { type: 'apiKey', in: 'header', name: 'KALSHI-ACCESS-KEY' },
        signedTimestamp: { type: 'apiKey', in: 'header', name: 'KALSHI-ACCESS-TIMESTAMP' },
        signature: { type: 'apiKey', in: 'header', name: 'KALSHI-ACCESS-SIGNATURE' },
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token from POST /api/v1/auth/token (minted by a signed request).',
        },
        session: { type: 'apiKey', in: 'cookie', name: 'bourse_session' },
      },
    },
    'x-error-codes': errorCatalogue(),
  };
}
