// Signs requests as the exchange (and Kalshi) expects: `timestamp + METHOD + path-without-query`, RSA-PSS
// with SHA-256 and a digest-length salt for RSA keys, plain Ed25519 for Ed25519 keys; base64 signature.

import { constants, createPrivateKey, type KeyObject, sign } from 'node:crypto';

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

  /** The three authentication headers for one request. */
  headers(method: string, path: string, timestampMs: number): Record<string, string> {
    const ts = String(timestampMs);
    const q = path.indexOf('?');
    const message = Buffer.from(ts + method.toUpperCase() + (q === -1 ? path : path.slice(0, q)));
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
