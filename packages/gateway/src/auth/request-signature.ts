// Signed requests as Kalshi defines them: the client signs `timestamp + METHOD + path` (the path without
// its query string, timestamp in milliseconds) with its private key; RSA keys sign with RSA-PSS/SHA-256
// and a salt as long as the digest, Ed25519 keys sign the same message directly. The native API also
// takes a scheme that binds the body: the client sends the body's SHA-256 (lowercase hex) in
// `BOURSE-ACCESS-BODY-SHA256` and signs `timestamp + METHOD + path + "\n" + digest`. A path cannot hold
// a line break, so no message of one scheme is a message of the other.

import { constants, createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';

export const HEADER_KEY = 'kalshi-access-key';
export const HEADER_TIMESTAMP = 'kalshi-access-timestamp';
export const HEADER_SIGNATURE = 'kalshi-access-signature';
/** The native API's body digest: lowercase hex SHA-256 of the exact body bytes (empty body too). */
export const HEADER_BODY_SHA256 = 'bourse-access-body-sha256';

export type KeyType = 'rsa' | 'ed25519';

export interface PublicKey {
  readonly key: KeyObject;
  readonly type: KeyType;
  /** Every valid signature of this key is exactly this long: 64 for Ed25519, the modulus for RSA. */
  readonly signatureBytes: number;
}

export function signingMessage(
  timestampMs: string,
  method: string,
  path: string,
  bodySha256?: string,
): Buffer {
  const q = path.indexOf('?');
  const base = timestampMs + method.toUpperCase() + (q === -1 ? path : path.slice(0, q));
  return Buffer.from(bodySha256 === undefined ? base : `${base}\n${bodySha256}`);
}

export const BODY_SHA256_FORMAT = /^[0-9a-f]{64}$/;

/** The digest the body-binding scheme signs: SHA-256 of the body bytes, lowercase hex. */
export function bodySha256(body: Uint8Array | string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Parses a public key PEM; undefined unless it is RSA (≥ 2048 bits) or Ed25519. */
export function parsePublicKey(pem: string): PublicKey | undefined {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return undefined;
  }
  if (key.asymmetricKeyType === 'ed25519') return { key, type: 'ed25519', signatureBytes: 64 };
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return bits >= 2048 ? { key, type: 'rsa', signatureBytes: Math.ceil(bits / 8) } : undefined;
  }
  return undefined;
}

const CANONICAL_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The signature bytes of a header, or undefined unless it is canonical base64 (standard alphabet,
 * padded, unused bits zero, nothing else) of exactly `length` bytes. A lenient decoder skips junk and
 * takes base64url, so many header texts would name the same bytes: one spelling per signature is what
 * lets the replay guard recognise a signature it has seen.
 */
export function decodeSignature(text: string, length: number): Buffer | undefined {
  if (text.length !== 4 * Math.ceil(length / 3) || !CANONICAL_BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== length || bytes.toString('base64') !== text) return undefined;
  return bytes;
}

/** Checks a base64 signature header (strictly decoded) on this thread. */
export function verifySignature(
  key: KeyObject,
  type: KeyType,
  message: Buffer,
  signatureBase64: string,
): boolean {
  const length =
    type === 'ed25519' ? 64 : Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  const signature = decodeSignature(signatureBase64, length);
  return signature !== undefined && verifySignatureBytes(key, type, message, signature);
}

export function verifySignatureBytes(
  key: KeyObject,
  type: KeyType,
  message: Buffer,
  signature: Buffer,
): boolean {
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
  signature: Buffer,
): Promise<boolean> {
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
