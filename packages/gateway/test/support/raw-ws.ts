// A WebSocket client on a bare TCP socket, for the slow-consumer tests: it can stop reading the TCP
// stream altogether (the kernel buffers fill, then the server's send buffer grows), which a `ws` client
// paused above its socket cannot promise. It never answers pings, as a stalled reader would not.

import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface RawWsMessage {
  readonly opcode: number;
  readonly text: string;
}

export class RawWsClient {
  readonly socket: Socket;
  /** Every data frame received, in order (text frames decoded; control frames as opcode only). */
  readonly messages: RawWsMessage[] = [];
  readonly closed: Promise<void>;
  #pending: Buffer = Buffer.alloc(0);
  #waiters: (() => void)[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => {
      socket.on('error', () => {});
      socket.on('close', () => {
        resolve();
        this.#wake();
      });
    });
  }

  /** Opens `path` on 127.0.0.1:`port` and completes the handshake. */
  static async open(port: number, path: string): Promise<RawWsClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawWsClient(socket);
    const key = randomBytes(16).toString('base64');
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    let head = Buffer.alloc(0);
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        socket.off('data', onData);
        if (!head.subarray(0, 12).toString().startsWith('HTTP/1.1 101')) {
          reject(new Error(`handshake refused: ${head.toString().split('\r\n')[0]}`));
          return;
        }
        client.#take(head.subarray(end + 4));
        socket.on('data', (c: Buffer) => client.#take(c));
        resolve();
      };
      socket.on('data', onData);
    });
    return client;
  }

  /** Sends one JSON message as a masked text frame (clients must mask). */
  send(message: unknown): void {
    this.socket.write(frame(Buffer.from(JSON.stringify(message))));
  }

  /** Sends many messages in one TCP write. */
  sendMany(messages: readonly unknown[]): void {
    this.socket.write(Buffer.concat(messages.map((m) => frame(Buffer.from(JSON.stringify(m))))));
  }

  /** Stops reading the TCP stream: what the server sends piles up in the kernel, then in its buffer. */
  stopReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  /** Resolves once a received message satisfies `pred` (false when the socket closed first). */
  async waitFor(pred: (m: Record<string, unknown>) => boolean, from = 0): Promise<boolean> {
    for (let seen = from; ; ) {
      for (; seen < this.messages.length; seen++) {
        const m = this.messages[seen]!;
        if (m.opcode === 1 && pred(JSON.parse(m.text) as Record<string, unknown>)) return true;
      }
      if (this.socket.destroyed) return false;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** The received text messages, parsed. */
  json(): Record<string, unknown>[] {
    return this.messages
      .filter((m) => m.opcode === 1)
      .map((m) => JSON.parse(m.text) as Record<string, unknown>);
  }

  close(): void {
    this.socket.destroy();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** Parses the server's (unmasked) frames out of the byte stream. */
  #take(chunk: Buffer): void {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    let buf = this.#pending;
    let added = false;
    for (;;) {
      if (buf.length < 2) break;
      const opcode = buf[0]! & 0x0f;
      let len = buf[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (buf.length < 4) break;
        len = buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buf.length < 10) break;
        len = Number(buf.readBigUInt64BE(2));
        at = 10;
      }
      if (buf.length < at + len) break;
      const payload = buf.subarray(at, at + len);
      this.messages.push({ opcode, text: opcode === 1 ? payload.toString('utf8') : '' });
      added = true;
      buf = buf.subarray(at + len);
    }
    this.#pending = buf.length === 0 ? Buffer.alloc(0) : Buffer.from(buf);
    if (added) this.#wake();
  }
}

function frame(payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x81, 0x80 | len])
      : len < 65_536
        ? Buffer.from([0x81, 0x80 | 126, len >> 8, len & 0xff])
        : (() => {
            const h = Buffer.alloc(10);
            h[0] = 0x81;
            h[1] = 0x80 | 127;
            h.writeBigUInt64BE(BigInt(len), 2);
            return h;
          })();
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = payload[i]! ^ mask[i & 3]!;
  return Buffer.concat([head, mask, body]);
}
