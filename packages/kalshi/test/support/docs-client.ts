// A Kalshi client written from Kalshi's published REST and WebSocket documentation only (signing,
// paths, message shapes), sharing no code with the server: plain `fetch`, `node:crypto` RSA-PSS
// signatures and the `ws` package. Tests use it next to the official SDK so the adapter is not only
// checked against its own idea of Kalshi.

import { constants, createPrivateKey, type KeyObject, sign } from 'node:crypto';
import WebSocket from 'ws';

export interface DocsCredentials {
  readonly keyId: string;
  readonly privateKeyPem: string;
}

export interface DocsResponse {
  readonly status: number;
  readonly body: unknown;
}

/** `KALSHI-ACCESS-SIGNATURE` = base64(RSA-PSS-SHA256(timestamp + METHOD + path-without-query)). */
export function kalshiHeaders(
  creds: DocsCredentials,
  method: string,
  path: string,
  timestampMs = Date.now(),
): Record<string, string> {
  const key: KeyObject = createPrivateKey(creds.privateKeyPem);
  const ts = String(timestampMs);
  const message = ts + method.toUpperCase() + path.split('?')[0];
  const signature = sign('sha256', Buffer.from(message), {
    key,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  }).toString('base64');
  return {
    'KALSHI-ACCESS-KEY': creds.keyId,
    'KALSHI-ACCESS-TIMESTAMP': ts,
    'KALSHI-ACCESS-SIGNATURE': signature,
  };
}

export class DocsRestClient {
  readonly #origin: string;
  readonly #creds: DocsCredentials | undefined;

  constructor(origin: string, creds?: DocsCredentials) {
    this.#origin = origin;
    this.#creds = creds;
  }

  /** `path` is relative to `/trade-api/v2`; headers override the signed ones (to test bad ones). */
  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<DocsResponse> {
    const full = `/trade-api/v2${path}`;
    const signed = this.#creds === undefined ? {} : kalshiHeaders(this.#creds, method, full);
    const res = await fetch(this.#origin + full, {
      method,
      headers: {
        ...signed,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  }
}

/** One WebSocket connection: commands with increasing ids, every received message kept in order. */
export class DocsSocket {
  readonly messages: Record<string, unknown>[] = [];
  /** Resolves with the close code and reason when the socket closes. */
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #ws: WebSocket;
  #nextId = 1;
  #waiters: (() => void)[] = [];

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as Record<string, unknown>);
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static open(origin: string, creds: DocsCredentials): Promise<DocsSocket> {
    return DocsSocket.openWith(origin, kalshiHeaders(creds, 'GET', '/trade-api/ws/v2'));
  }

  /** A connection whose handshake carries exactly `headers` (another way to authenticate, or none). */
  static openWith(origin: string, headers: Record<string, string>): Promise<DocsSocket> {
    const path = '/trade-api/ws/v2';
    const ws = new WebSocket(origin.replace(/^http/, 'ws') + path, { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new DocsSocket(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(cmd: string, params?: unknown): number {
    const id = this.#nextId++;
    this.#ws.send(JSON.stringify({ id, cmd, ...(params === undefined ? {} : { params }) }));
    return id;
  }

  /** Resolves once a received message satisfies `match`; gives up after 10,000 more messages. */
  async waitFor(match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    for (let i = 0; i < 10_000; i++) {
      const found = this.messages.find(match);
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    throw new Error('no matching message');
  }

  close(): void {
    this.#ws.close();
  }
}
