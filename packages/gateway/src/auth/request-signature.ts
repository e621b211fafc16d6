// Signed requests as Kalshi defines them: the client signs `timestamp + METHOD + path` (the path without
// its query string, timestamp in milliseconds) with its private key; RSA keys sign with RSA-PSS/SHA-256
// and a salt as long as the digest, Ed25519 keys sign the same message directly.

import { constants, createPublicKey, type KeyObject, verify } from 'node:crypto';

export const HEADER_KEY = 'kalshi-access-key';
export const HEADER_TIMESTAMP = 'kalshi-access-timestamp';
export const HEADER_SIGNATURE = 'kalshi-access-signature';

export type KeyType = 'rsa' | 'ed25519';

export function signingMessage(timestampMs: string, method: string, path: string): Buffer {
  const q = path.indexOf('?');
  return Buffer.from(timestampMs + method.toUpperCase() + (q === -1 ? path : path.slice(0, q)));
}

/** Parses a public key PEM; undefined unless it is RSA (≥ 2048 bits) or Ed25519. */
export function parsePublicKey(pem: string): { key: KeyObject; type: KeyType } | undefined {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return undefined;
  }
  if (key.asymmetricKeyType === 'ed25519') return { key, type: 'ed25519' };
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return bits >= 2048 ? { key, type: 'rsa' } : undefined;
  }
  return undefined;
}

export function verifySignature(
  key: KeyObject,
  type: KeyType,
  message: Buffer,
  signatureBase64: string,
): boolean {
  const signature = Buffer.from(signatureBase64, 'base64');
  if (signature.length === 0) return false;
  try {
    return type === 'ed25519'
      ? verify(null, message, key, signature)
      : verify('sha256', message, rsaPss(key), signature);
  } catch {
    return false;
  }
}

/**
 * The same check on libuv's thread pool, off the event loop: a verification costs 60–250 µs of CPU
 * (Ed25519 / RSA-2048), several times the rest of a request's work on the gateway thread, so signed
 * REST traffic would otherwise be capped by one core's verifications.
 */
export function verifySignatureOffThread(
  key: KeyObject,
  type: KeyType,
  message: Buffer,
  signatureBase64: string,
): Promise<boolean> {
  const signature = Buffer.from(signatureBase64, 'base64');
  if (signature.length === 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (error: Error | null, ok: boolean) => resolve(error === null && ok);
    try {
      if (type === 'ed25519') verify(null, message, key, signature, done);
      else verify('sha256', message, rsaPss(key), signature, done);
    } catch {
      resolve(false);
    }
  });
}

function rsaPss(key: KeyObject) {
  return {
    key,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  };
}
