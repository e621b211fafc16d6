// Reading request bodies (bounded, JSON only) and writing JSON responses. Bodies larger than the limit
// are refused before they are buffered whole; an empty body reads as `{}` so endpoints without fields
// accept both. A body whose signed digest was sent is checked against it before it is parsed.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodySha256 } from '../auth/request-signature.ts';
import { ApiError } from '../error-catalogue.ts';

export const MAX_BODY_BYTES = 1 << 20;

/** `signedSha256`: the body digest the request's signature covers, which the body must match. */
export function readJsonBody(
  req: IncomingMessage,
  limit = MAX_BODY_BYTES,
  signedSha256?: string,
): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new ApiError('BODY_TOO_LARGE'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new ApiError('BODY_TOO_LARGE'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      const raw = Buffer.concat(chunks, size);
      if (signedSha256 !== undefined && signedSha256 !== bodySha256(raw)) {
        return reject(
          new ApiError('BAD_SIGNATURE', 'The body does not match its signed SHA-256 digest.'),
        );
      }
      if (size === 0) return resolve({});
      const type = req.headers['content-type'] ?? '';
      if (!type.startsWith('application/json'))
        return reject(new ApiError('UNSUPPORTED_MEDIA_TYPE'));
      try {
        resolve(JSON.parse(raw.toString('utf8')));
      } catch {
        reject(new ApiError('MALFORMED_JSON'));
      }
    });
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  type: string,
  text: string,
  headers?: Record<string, string>,
): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Query string → object of strings (the last value wins for repeated keys). */
export function parseQuery(search: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (search === '') return out;
  for (const [k, v] of new URLSearchParams(search)) out[k] = v;
  return out;
}
