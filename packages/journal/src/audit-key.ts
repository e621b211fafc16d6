// The operator's Ed25519 key that signs the journal's audit checkpoints: a PKCS#8 PEM file created
// 0600 on first use, and the public half an auditor keeps elsewhere to check checkpoints against.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hash,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { PRIVATE_FILE_MODE } from './private-files.ts';

export const AUDIT_KEY_FILE_NAME = 'audit-key.pem';

/** Signs checkpoints; `publicKey` is the raw 32-byte Ed25519 key, base64, as checkpoints carry it. */
export interface AuditSigner {
  readonly publicKey: string;
  sign(message: Buffer): Buffer;
}

/** The key in `path`, created (0600, never overwritten) when there is none yet. */
export function loadOrCreateAuditKey(path: string): AuditSigner {
  if (!existsSync(path)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
    try {
      writeFileSync(path, pem, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return signerOf(readAuditKey(path));
}

/** The private key in `path` (throws when it is missing or not an Ed25519 key). */
export function readAuditKey(path: string): KeyObject {
  const key = createPrivateKey(readFileSync(path));
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${path} holds a ${key.asymmetricKeyType} key, not an Ed25519 key`);
  }
  return key;
}

function signerOf(privateKey: KeyObject): AuditSigner {
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  return { publicKey, sign: (message) => sign(null, message, privateKey) };
}

/** The raw 32-byte public key, base64: the last 32 bytes of its SPKI DER form. */
export function rawPublicKey(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return der.subarray(der.length - 32).toString('base64');
}

/** A public key (SPKI PEM, or the private key's PEM) as the raw base64 form checkpoints carry. */
export function publicKeyFromPem(pem: string | Buffer): string {
  return rawPublicKey(createPublicKey(pem));
}

/** The public key in SPKI PEM form, for export. */
export function publicKeyPem(raw: string): string {
  return publicKeyObject(raw).export({ type: 'spki', format: 'pem' }).toString();
}

/** A short, stable name for a public key: the first 16 bytes of its SHA-256, hex. */
export function keyFingerprint(raw: string): string {
  return hash('sha256', Buffer.from(raw, 'base64'), 'hex').slice(0, 32);
}

/** Whether `signature` (base64) is `raw`'s Ed25519 signature of `message`. */
export function verifySignature(raw: string, message: Buffer, signature: string): boolean {
  try {
    return verify(null, message, publicKeyObject(raw), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** SPKI DER prefix of an Ed25519 public key (RFC 8410), before its 32 raw bytes. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function publicKeyObject(raw: string): KeyObject {
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.length !== 32) throw new Error('an Ed25519 public key has 32 bytes');
  const der = Buffer.concat([ED25519_SPKI_PREFIX, bytes]);
  return createPublicKey({ key: der, format: 'der', type: 'spki' });
}
