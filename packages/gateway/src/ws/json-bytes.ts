// JSON text written as UTF-8 straight into shared 64 KiB slabs, one view per message: for the socket's
// place acks, built by the tens of thousands a second on the gateway thread, where a string per ack
// (a cons-string per joined part, a string per number, then a flat copy to encode it) was a kilobyte
// of garbage each. A slab lives while any of its messages does (until their socket write copies them).

const SLAB_BYTES = 64 * 1024;

export class JsonBytes {
  #buf: Buffer = Buffer.allocUnsafeSlow(SLAB_BYTES);
  #start = 0;
  #pos = 0;

  /** Starts a message. */
  begin(): void {
    this.#start = this.#pos;
  }

  /** Ends the message and returns its bytes (a view into the slab). */
  end(): Buffer {
    return this.#buf.subarray(this.#start, this.#pos);
  }

  /** Characters below 0x80 only (field names, punctuation, enum values). */
  ascii(s: string): void {
    this.#ensure(s.length);
    const buf = this.#buf;
    let pos = this.#pos;
    for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
    this.#pos = pos;
  }

  /** Text already in JSON form (`JSON.stringify` of a string), any characters. */
  utf8(s: string): void {
    this.#ensure(Buffer.byteLength(s));
    this.#pos += this.#buf.write(s, this.#pos, 'utf8');
  }

  /** Bytes already encoded. */
  bytes(b: Uint8Array): void {
    this.#ensure(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
  }

  /** A number as `JSON.stringify` writes it; safe integers without a string of their own. */
  number(n: number): void {
    if (!Number.isSafeInteger(n)) {
      this.ascii(Number.isFinite(n) ? String(n) : 'null');
      return;
    }
    this.#ensure(17);
    const buf = this.#buf;
    if (n < 0) {
      buf[this.#pos++] = 0x2d;
      n = -n;
    }
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits++;
    let at = this.#pos + digits;
    this.#pos = at;
    do {
      const q = Math.floor(n / 10);
      buf[--at] = 0x30 + (n - q * 10);
      n = q;
    } while (n > 0);
  }

  /** Room for `n` more bytes, moving the message begun so far to a new slab when this one is full. */
  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const partial = this.#buf.subarray(this.#start, this.#pos);
    const next = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, 2 * (partial.length + n)));
    next.set(partial, 0);
    this.#buf = next;
    this.#start = 0;
    this.#pos = partial.length;
  }
}
