// Kalshi's API key management (`/api_keys`) over the native key routes, so the rules are the native
// ones: a key never carries more than the member's role, and a signed request can only mint keys with
// scopes it holds, and all of it needs the native `credentials` scope (a leaked read or trading key
// cannot take over the account's keys). Kalshi's `read`/`write` scopes are the native `read`/`trade`.

import { nativeOperations, runNative } from '@bourse/gateway';
import type { CreateApiKeyBody } from '@bourse/protocol';
import { KalshiError } from '../kalshi-error.ts';
import { type KalshiContext, type KalshiRoute, member } from './kalshi-route.ts';
import { asObject } from './order-request.ts';

function toKalshiScopes(scopes: readonly string[]): string[] {
  const out: string[] = [];
  if (scopes.includes('read')) out.push('read');
  if (scopes.includes('trade')) out.push('write');
  return out;
}

function toNativeScopes(value: unknown): CreateApiKeyBody['scopes'] {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new KalshiError('invalid_parameters', 'scopes must be a list.');
  const out = new Set<'read' | 'trade'>();
  for (const s of value) {
    if (s === 'read' || (typeof s === 'string' && s.startsWith('read::'))) out.add('read');
    else if (s === 'write' || (typeof s === 'string' && s.startsWith('write::'))) {
      out.add('read');
      out.add('trade');
    } else throw new KalshiError('invalid_parameters', `Unknown scope ${String(s)}.`);
  }
  return [...out];
}

async function createKey(ctx: KalshiContext, generate: boolean) {
  member(ctx);
  const b = asObject(ctx.body);
  if (typeof b.name !== 'string' || b.name === '' || b.name.length > 100) {
    throw new KalshiError('invalid_parameters', 'name is required (≤ 100 characters).');
  }
  if (b.subaccount !== undefined && b.subaccount !== 0) {
    throw new KalshiError('invalid_parameters', 'Only subaccount 0 is supported.');
  }
  const body: CreateApiKeyBody = { label: b.name };
  const scopes = toNativeScopes(b.scopes);
  if (scopes !== undefined) body.scopes = scopes;
  if (generate) body.generate = true;
  else {
    if (typeof b.public_key !== 'string' || b.public_key === '') {
      throw new KalshiError('invalid_parameters', 'public_key (PEM) is required.');
    }
    body.publicKeyPem = b.public_key;
  }
  const key = await runNative(nativeOperations.account.createApiKey, ctx, { body });
  ctx.status = 201;
  return 'privateKeyPem' in key
    ? { api_key_id: key.keyId, private_key: key.privateKeyPem }
    : { api_key_id: key.keyId };
}

export const apiKeyEndpoints: KalshiRoute[] = [
  {
    method: 'GET',
    path: '/api_keys',
    auth: 'credentials',
    handler: async (ctx) => {
      const r = await runNative(nativeOperations.account.listApiKeys, ctx, {});
      return {
        api_keys: r.items
          .filter((k) => k.revokedAt === null)
          .map((k) => ({ api_key_id: k.keyId, name: k.label, scopes: toKalshiScopes(k.scopes) })),
      };
    },
  },
  {
    method: 'POST',
    path: '/api_keys',
    auth: 'credentials',
    handler: (ctx) => createKey(ctx, false),
  },
  {
    method: 'POST',
    path: '/api_keys/generate',
    auth: 'credentials',
    handler: (ctx) => createKey(ctx, true),
  },
  {
    method: 'DELETE',
    path: '/api_keys/:api_key',
    auth: 'credentials',
    handler: async (ctx) => {
      await runNative(nativeOperations.account.revokeApiKey, ctx, {
        params: { keyId: ctx.params.api_key! },
      });
      ctx.status = 204;
      return undefined;
    },
  },
];
