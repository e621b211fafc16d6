// WebSocket text frames built by hand: market data written once and sent to many sockets, and the
// replies of one turn to one socket joined into one write.

/** An unmasked, unfragmented text frame (RFC 6455 §5.2), as a server sends it. */
export function textFrame(payload: Buffer): Buffer {
  const n = payload.length;
  const headerBytes = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerBytes + n);
  frame[0] = 0x81; // FIN + text
  if (n < 126) frame[1] = n;
  else if (n < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    frame.writeUInt32BE(n >>> 0, 6);
  }
  payload.copy(frame, headerBytes);
  return frame;
}

/** Unmasked text frames of `payloads` (strings as UTF-8), back to back in one buffer. */
export function textFrames(payloads: readonly (string | Buffer)[]): Buffer {
  let total = 0;
  const sizes = new Array<number>(payloads.length);
  for (let i = 0; i < payloads.length; i++) {
    const p = payloads[i]!;
    const n = typeof p === 'string' ? Buffer.byteLength(p) : p.length;
    sizes[i] = n;
    total += headerBytesOf(n) + n;
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < payloads.length; i++) {
    const p = payloads[i]!;
    const n = sizes[i]!;
    at = writeHeader(out, at, n);
    if (typeof p === 'string') out.write(p, at, n, 'utf8');
    else p.copy(out, at);
    at += n;
  }
  return out;
}

function headerBytesOf(n: number): number {
  return n < 126 ? 2 : n < 65_536 ? 4 : 10;
}

/** A FIN text frame's header for `n` payload bytes at `at`; returns where the payload starts. */
function writeHeader(out: Buffer, at: number, n: number): number {
  out[at] = 0x81;
  if (n < 126) {
    out[at + 1] = n;
    return at + 2;
  }
  if (n < 65_536) {
    out[at + 1] = 126;
    out.writeUInt16BE(n, at + 2);
    return at + 4;
  }
  out[at + 1] = 127;
  out.writeUInt32BE(Math.floor(n / 2 ** 32), at + 2);
  out.writeUInt32BE(n >>> 0, at + 6);
  return at + 10;
}
