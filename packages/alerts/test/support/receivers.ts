// The far ends of alert delivery, real servers on 127.0.0.1 port 0: a webhook receiver that checks
// each request's signature (and can answer 500 to the first tries), an SMTP sink (`smtp-server`)
// that keeps every message, and a push service stand-in over HTTPS that keeps what web-push POSTs,
// with the browser's side of RFC 8291 to decrypt it.

import { createECDH, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { DELIVERY_HEADER, SIGNATURE_HEADER, verifyWebhook } from '@bourse/alerts';

export const FIXTURE_CERT = readFileSync(new URL('../fixtures/tls-test.crt', import.meta.url));
const FIXTURE_KEY = readFileSync(new URL('../fixtures/tls-test.key', import.meta.url));

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface WebhookCall {
  readonly delivery: string;
  readonly body: Record<string, unknown>;
  readonly validSignature: boolean;
  readonly status: number;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly calls: WebhookCall[];
  /** The deliveries answered 2xx (what the receiver accepted). */
  accepted(): WebhookCall[];
  /** The secret the signature must verify under (set once the user's settings give it). */
  secret: string;
  /** How many requests of a delivery id get a 500 before one succeeds. */
  failFirst: Map<string, number>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const calls: WebhookCall[] = [];
  const failures = new Map<string, number>();
  const r: WebhookReceiver = {
    url: '',
    calls,
    accepted: () => calls.filter((c) => c.status === 200),
    secret: '',
    failFirst: new Map(),
    close: () => closeServer(server),
  };
  const server = createServer(async (req, res) => {
    const raw = (await readBody(req)).toString('utf8');
    const delivery = String(req.headers[DELIVERY_HEADER] ?? '');
    const header = req.headers[SIGNATURE_HEADER];
    const validSignature = verifyWebhook(
      r.secret,
      typeof header === 'string' ? header : undefined,
      raw,
      Date.now(),
    );
    const seen = failures.get(delivery) ?? 0;
    failures.set(delivery, seen + 1);
    const status = !validSignature ? 401 : seen < (r.failFirst.get(delivery) ?? 0) ? 500 : 200;
    calls.push({
      delivery,
      body: JSON.parse(raw) as Record<string, unknown>,
      validSignature,
      status,
    });
    res.writeHead(status).end();
  });
  (r as { url: string }).url = `http://127.0.0.1:${await listen(server)}/hooks/bourse`;
  return r;
}

export interface MailMessage {
  readonly to: string;
  readonly raw: string;
}

export interface SmtpSink {
  readonly url: string;
  readonly messages: MailMessage[];
  close(): Promise<void>;
}

/** A real SMTP server on loopback that accepts every message (no TLS, no auth: a local sink). */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: MailMessage[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const parts: Buffer[] = [];
      stream.on('data', (c: Buffer) => parts.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((a) => a.address).join(',');
        messages.push({ to, raw: Buffer.concat(parts).toString('utf8') });
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)),
  );
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A browser's push subscription keys (P-256 key pair and auth secret), as PushManager makes them. */
export function browserPushKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    ecdh,
    auth,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
  };
}

/** Decrypts an RFC 8291 (aes128gcm) push message body the way the browser does. */
export function decryptPush(
  body: Buffer,
  ecdh: ReturnType<typeof createECDH>,
  auth: Buffer,
): string {
  const salt = body.subarray(0, 16);
  const idLength = body[20]!;
  const serverKey = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  const shared = ecdh.computeSecret(serverKey);
  const info = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), serverKey]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, auth, info, 32));
  const cek = Buffer.from(
    hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16),
  );
  const nonce = Buffer.from(
    hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12),
  );
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const plain = Buffer.concat([
    decipher.update(record.subarray(0, record.length - 16)),
    decipher.final(),
  ]);
  // The padding delimiter of the last record is 2, followed by zeros.
  let end = plain.length - 1;
  while (end > 0 && plain[end] === 0) end--;
  return plain.subarray(0, end).toString('utf8');
}

export interface PushService {
  readonly endpoint: (name: string) => string;
  readonly received: { path: string; headers: IncomingMessage['headers']; body: Buffer }[];
  close(): Promise<void>;
}

/**
 * A push service stand-in over HTTPS (the fixture certificate for 127.0.0.1): answers 201, or 410
 * (the subscription expired) for endpoints under /push/gone.
 */
export async function startPushService(): Promise<PushService> {
  const received: PushService['received'] = [];
  const server = createHttpsServer({ cert: FIXTURE_CERT, key: FIXTURE_KEY }, async (req, res) => {
    received.push({ path: req.url ?? '', headers: req.headers, body: await readBody(req) });
    res.writeHead(req.url?.startsWith('/push/gone') ? 410 : 201).end();
  }) as unknown as Server;
  const port = await listen(server);
  return {
    endpoint: (name) => `https://127.0.0.1:${port}/push/${name}`,
    received,
    close: () => closeServer(server),
  };
}

/** Polls `check` until it returns true, or fails after `ms` (generous: a slow, shared machine passes). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 60_000,
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
