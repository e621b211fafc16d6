// A minimal WebSocket client for the load generator: the RFC 6455 handshake (checking
// Sec-WebSocket-Accept, optionally with extra headers such as a request signature), masked text frames
// out, unfragmented frames in, pings answered. The `ws` library's per-message work, times 10,000
// fan-out subscribers or 30,000 acks a second in one process, made the load generator the slowest part
// of the measurement and took the cores the server needs; like the fan-out floor's reader, this one
// does no more than a client must. Reads land in one buffer shared by every socket (`onread`), so a
// read allocates nothing unless it ends inside a frame.

import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const HEADER_END = Buffer.from('\r\n\r\n');

export interface WireSocket {
  send(text: string): void;
  /**
   * Queues a text frame whose payload is `prefix`, the decimal digits of `n` and `suffix`, masked
   * straight into a shared slab (no string, buffer or write per frame); `flush` sends the queue.
   */
  queueText(prefix: Uint8Array, n: number, suffix: Uint8Array): void;
  /** Writes every frame queued since the last flush, in one write. */
  flush(): void;
  /** Holds writes until `uncork()`, so that many small frames leave in one segment. */
  cork(): void;
  uncork(): void;
  close(): void;
}

/** Every socket's reads land here; a frame is handled before the next read can overwrite it. */
const READ_BUFFER = Buffer.allocUnsafe(1 << 16);
const EMPTY = Buffer.alloc(0);

/** Opens a socket; `onText` gets each text message's payload (valid only during the call). */
export function openWireSocket(
  url: URL,
  path: string,
  onText: (payload: Buffer) => void,
  headers: Record<string, string> = {},
): Promise<WireSocket> {
  const key = randomBytes(16).toString('base64');
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  let received: (chunk: Buffer) => void = () => {};
  const socket = connect({
    port: Number(url.port || 80),
    host: url.hostname,
    onread: {
      buffer: READ_BUFFER,
      callback: (n) => {
        received(READ_BUFFER.subarray(0, n));
        return true;
      },
    },
  });
  socket.setNoDelay(true);
  return new Promise((resolve, reject) => {
    // Bytes of an unfinished frame (or handshake), copied out of the shared read buffer.
    let rest: Buffer = EMPTY;
    let open = false;
    socket.once('error', reject);
    socket.once('close', () => {
      if (!open) reject(new Error('connection closed before the WebSocket handshake'));
    });
    socket.on('connect', () => {
      let extra = '';
      for (const [name, value] of Object.entries(headers)) extra += `${name}: ${value}\r\n`;
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
      );
    });
    received = (chunk) => {
      let buf = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
      if (!open) {
        const end = buf.indexOf(HEADER_END);
        if (end < 0) {
          rest = Buffer.from(buf);
          return;
        }
        const head = buf.toString('latin1', 0, end);
        if (!head.startsWith('HTTP/1.1 101') || !head.includes(accept)) {
          socket.destroy();
          reject(new Error(`WebSocket handshake refused: ${head.split('\r\n')[0]}`));
          rest = EMPTY;
          return;
        }
        open = true;
        buf = buf.subarray(end + HEADER_END.length);
        const queue = new FrameQueue(socket);
        resolve({
          send: (text) => socket.write(maskedFrame(0x1, Buffer.from(text))),
          queueText: (prefix, n, suffix) => queue.text(prefix, n, suffix),
          flush: () => queue.flush(),
          cork: () => socket.cork(),
          uncork: () => socket.uncork(),
          close: () => socket.destroy(),
        });
      }
      const left = readFrames(buf, socket, onText);
      // `left` may point into the shared read buffer, which the next read overwrites.
      rest = left.length === 0 ? EMPTY : Buffer.from(left);
    };
  });
}

/** Consumes every complete frame at the front of `buf`; returns what is left. */
function readFrames(buf: Buffer, socket: Socket, onText: (payload: Buffer) => void): Buffer {
  let at = 0;
  for (;;) {
    if (buf.length - at < 2) break;
    const opcode = buf[at]! & 0x0f;
    let length = buf[at + 1]! & 0x7f;
    let header = 2;
    if (length === 126) {
      if (buf.length - at < 4) break;
      length = buf.readUInt16BE(at + 2);
      header = 4;
    } else if (length === 127) {
      if (buf.length - at < 10) break;
      length = buf.readUInt32BE(at + 2) * 2 ** 32 + buf.readUInt32BE(at + 6);
      header = 10;
    }
    if (buf.length - at < header + length) break;
    const payload = buf.subarray(at + header, at + header + length);
    at += header + length;
    if (opcode === 0x1) onText(payload);
    else if (opcode === 0x9) socket.write(maskedFrame(0xa, payload));
    else if (opcode === 0x8) socket.destroy();
  }
  return at === buf.length ? EMPTY : buf.subarray(at);
}

/** A client frame (clients must mask, RFC 6455 §5.3); small control and request frames only. */
function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  if (n >= 65_536) throw new RangeError('frame too large for this client');
  const header = n < 126 ? 2 : 4;
  const frame = Buffer.allocUnsafe(header + 4 + n);
  frame[0] = 0x80 | opcode;
  if (n < 126) frame[1] = 0x80 | n;
  else {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(n, 2);
  }
  const m = nextMask();
  frame[header] = MASKS[m]!;
  frame[header + 1] = MASKS[m + 1]!;
  frame[header + 2] = MASKS[m + 2]!;
  frame[header + 3] = MASKS[m + 3]!;
  for (let i = 0; i < n; i++) frame[header + 4 + i] = payload[i]! ^ MASKS[m + (i & 3)]!;
  return frame;
}

/** Bytes of a frame queue's slab: a new one is taken only when a frame no longer fits. */
const SLAB_BYTES = 64 * 1024;

/**
 * Frames written into a slab that is handed to the socket a part at a time: bytes once flushed are
 * never written again (the socket may still hold them), so a tick's frames cost one write and no
 * allocation until the slab is used up.
 */
class FrameQueue {
  readonly #socket: Socket;
  #slab = Buffer.allocUnsafe(SLAB_BYTES);
  #from = 0;
  #at = 0;

  constructor(socket: Socket) {
    this.#socket = socket;
  }

  text(prefix: Uint8Array, n: number, suffix: Uint8Array): void {
    let digits = 1;
    for (let v = n; v >= 10; v = Math.floor(v / 10)) digits++;
    const length = prefix.length + digits + suffix.length;
    if (length >= 65_536) throw new RangeError('frame too large for this client');
    const header = length < 126 ? 2 : 4;
    if (this.#at + header + 4 + length > this.#slab.length) {
      this.flush();
      this.#slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, header + 4 + length));
      this.#from = 0;
      this.#at = 0;
    }
    const b = this.#slab;
    let at = this.#at;
    b[at] = 0x81;
    if (header === 2) b[at + 1] = 0x80 | length;
    else {
      b[at + 1] = 0x80 | 126;
      b.writeUInt16BE(length, at + 2);
    }
    at += header;
    const m = nextMask();
    for (let k = 0; k < 4; k++) b[at + k] = MASKS[m + k]!;
    at += 4;
    // j: the payload byte being written, which picks its mask byte.
    let j = 0;
    for (let i = 0; i < prefix.length; i++, j++) b[at + j] = prefix[i]! ^ MASKS[m + (j & 3)]!;
    for (let d = digits - 1, v = n; d >= 0; d--, v = Math.floor(v / 10)) {
      b[at + j + d] = (0x30 + (v % 10)) ^ MASKS[m + ((j + d) & 3)]!;
    }
    j += digits;
    for (let i = 0; i < suffix.length; i++, j++) b[at + j] = suffix[i]! ^ MASKS[m + (j & 3)]!;
    this.#at = at + j;
  }

  flush(): void {
    if (this.#at === this.#from) return;
    this.#socket.write(this.#slab.subarray(this.#from, this.#at));
    this.#from = this.#at;
  }
}

/** Masking keys drawn from the CSPRNG in bulk: one call per 1,024 frames instead of one per frame. */
const MASKS = Buffer.alloc(4096);
let maskAt = MASKS.length;

function nextMask(): number {
  if (maskAt === MASKS.length) {
    randomFillSync(MASKS);
    maskAt = 0;
  }
  const at = maskAt;
  maskAt += 4;
  return at;
}
