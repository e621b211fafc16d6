// Signs requests as the exchange (and Kalshi) expects: `timestamp + METHOD + path-without-query`, RSA-PSS
// with SHA-256 and a digest-length salt for RSA keys, plain Ed25519 for Ed25519 keys; base64 signature.
// For the native API it also signs the body: `... + "\n" + sha256(body)` with the digest sent in
// `BOURSE-ACCESS-BODY-SHA256`, so a captured signature cannot carry another body.

import { constants, createHash, createPrivateKey, type KeyObject, sign } from 'node:crypto';

export const BODY_SHA256_HEADER = 'BOURSE-ACCESS-BODY-SHA256';

export interface ApiKeyCredentials {
  readonly keyId: string;
  /** PKCS#8 or PKCS#1 PEM, or a KeyObject. */
  readonly privateKey: string | KeyObject;
}

export class RequestSigner {
  readonly keyId: string;
  readonly #key: KeyObject;

  constructor(credentials: ApiKeyCredentials) {
    this.keyId = credentials.keyId;
    this.#key =
      typeof credentials.privateKey === 'string'
        ? createPrivateKey(credentials.privateKey)
        : credentials.privateKey;
  }

  /** The three authentication headers for one request (Kalshi's scheme: the body is not signed). */
  headers(method: string, path: string, timestampMs: number): Record<string, string> {
    return this.#sign(method, path, timestampMs, undefined);
  }

  /** The native API's body-binding scheme: the headers above plus the signed body digest. */
  headersWithBody(
    method: string,
    path: string,
    timestampMs: number,
    body: string | Uint8Array,
  ): Record<string, string> {
    const digest = createHash('sha256').update(body).digest('hex');
    return { ...this.#sign(method, path, timestampMs, digest), [BODY_SHA256_HEADER]: digest };
  }

  #sign(
    method: string,
    path: string,
    timestampMs: number,
    bodySha256: string | undefined,
  ): Record<string, string> {
    const ts = String(timestampMs);
    const q = path.indexOf('?');
    const base = ts + method.toUpperCase() + (q === -1 ? path : path.slice(0, q));
    const message = Buffer.from(bodySha256 === undefined ? base : `${base}\n${bodySha256}`);
    const signature =
      this.#key.asymmetricKeyType === 'ed25519'
        ? sign(null, message, this.#key)
        : sign('sha256', message, {
            key: this.#key,
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
          });
    return {
      'KALSHI-ACCESS-KEY': this.keyId,
      'KALSHI-ACCESS-TIMESTAMP': ts,
      'KALSHI-ACCESS-SIGNATURE': signature.toString('base64'),
    };
  }
}
