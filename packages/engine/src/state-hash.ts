// A 128-bit, non-cryptographic digest of a stream of 32-bit words (MurmurHash3 x86_128's block and
// finalisation steps over words, not bytes). It answers "are these two states identical?" for replay,
// audit and the cluster's comparison; it is not a security primitive. Words, not bytes: the state's
// integers go in as values, so no byte order (and no platform) can change the digest.

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;
const TWO_32 = 4294967296;
/** After `TAG_LONG`, words no safe integer's high word can be: a non-integer, the end of a list. */
const TAG_NOT_INTEGER = 0x40000000;
const TAG_END = 0x40000001;
/** Words mixed per flush: a multiple of 4 (the block), small enough to stay in cache. */
const BLOCK_WORDS = 4096;

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));

function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Words `putInt` may write for one number. */
export const MAX_INT_WORDS = 4;
/** Opens the long form of a number; never a short form itself (−2^31 takes the long form). */
const TAG_LONG = -0x80000000;
const f64 = new DataView(new ArrayBuffer(8));

/**
 * Writes `v` at `b[n]` and returns the next index. A 32-bit integer (all but −2^31) is one word;
 * anything else is `TAG_LONG` then, for a safe integer, its high and low words (two's complement;
 * the high word lies in [−2^21, 2^21)), or else `TAG_NOT_INTEGER` and the float64 bits
 * (little-endian, fixed), so no two numbers share words and no byte order enters.
 */
export function putInt(b: Int32Array, n: number, v: number): number {
  if ((v | 0) === v && v !== TAG_LONG) {
    b[n] = v;
    return n + 1;
  }
  return putLong(b, n, v);
}

/** The long forms of `putInt`, apart so the short one stays small enough to be inlined. */
function putLong(b: Int32Array, n: number, v: number): number {
  b[n] = TAG_LONG;
  if (Number.isSafeInteger(v)) {
    b[n + 1] = Math.floor(v / TWO_32) | 0;
    b[n + 2] = v | 0;
    return n + 3;
  }
  f64.setFloat64(0, v, true);
  b[n + 1] = TAG_NOT_INTEGER;
  b[n + 2] = f64.getInt32(0, true);
  b[n + 3] = f64.getInt32(4, true);
  return n + 4;
}

const SEEDS = [0x9747b28c, 0x811c9dc5, 0x01000193, 0x5bd1e995];

/** MurmurHash3 x86_128's block step over the words `b[from..to)` (a multiple of 4), into `h`. */
function mixBlocks(h: Int32Array, b: Int32Array, from: number, to: number): void {
  let h1 = h[0]!;
  let h2 = h[1]!;
  let h3 = h[2]!;
  let h4 = h[3]!;
  for (let i = from; i < to; i += 4) {
    h1 ^= Math.imul(rotl(Math.imul(b[i]!, C1), 15), C2);
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    h2 ^= Math.imul(rotl(Math.imul(b[i + 1]!, C2), 16), C3);
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    h3 ^= Math.imul(rotl(Math.imul(b[i + 2]!, C3), 17), C4);
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    h4 ^= Math.imul(rotl(Math.imul(b[i + 3]!, C4), 18), C1);
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  h[0] = h1;
  h[1] = h2;
  h[2] = h3;
  h[3] = h4;
}

/** MurmurHash3 x86_128's finalisation of `h` after `total` words, in place. */
function finish(h: Int32Array, total: number): void {
  let [h1, h2, h3, h4] = [h[0]! ^ total, h[1]! ^ total, h[2]! ^ total, h[3]! ^ total];
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  [h1, h2, h3, h4] = [fmix(h1), fmix(h2), fmix(h3), fmix(h4)];
  h1 = (h1 + h2 + h3 + h4) | 0;
  h[0] = h1;
  h[1] = h2 + h1;
  h[2] = h3 + h1;
  h[3] = h4 + h1;
}

/** Writes `s` at `b[n]` (its length, then its UTF-16 code units two to a word); returns the next index. */
export function putStr(b: Int32Array, n: number, s: string): number {
  const len = s.length;
  b[n++] = len;
  let i = 0;
  for (; i + 1 < len; i += 2) b[n++] = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
  if (i < len) b[n++] = s.charCodeAt(i);
  return n;
}

/** Words `putStr` writes for `s`. */
export const strWords = (s: string) => 1 + ((s.length + 1) >>> 1);

/** An ordered digest: words in, 32 hex digits out. */
export class WordHash {
  /** Words not yet mixed; a hot loop writes here itself after `room` (then sets `n`). */
  readonly buf = new Int32Array(BLOCK_WORDS);
  n = 0;
  #total = 0;
  readonly #h = Int32Array.from(SEEDS);

  /** Makes room for `words` more words in `buf` (at most a block) and returns where they go. */
  room(words: number): number {
    if (this.n + words > BLOCK_WORDS) this.#flush();
    return this.n;
  }

  word(w: number): void {
    this.buf[this.n++] = w;
    if (this.n === BLOCK_WORDS) this.#flush();
  }

  int(v: number): void {
    this.n = putInt(this.buf, this.room(MAX_INT_WORDS), v);
  }

  bool(b: boolean): void {
    this.word(b ? 1 : 0);
  }

  str(s: string): void {
    const words = strWords(s);
    if (words <= BLOCK_WORDS - 4) {
      this.n = putStr(this.buf, this.room(words), s);
      return;
    }
    // The same words, one at a time (a string longer than a block: never a real id).
    this.word(s.length);
    let i = 0;
    for (; i + 1 < s.length; i += 2) this.word(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
    if (i < s.length) this.word(s.charCodeAt(i));
  }

  /** A safe-integer array, length first. */
  ints(xs: readonly number[]): void {
    this.word(xs.length);
    for (let i = 0; i < xs.length; i++) this.int(xs[i]!);
  }

  /** Closes a list written without its length (a word pair no `int` starts with). */
  end(): void {
    this.word(TAG_LONG);
    this.word(TAG_END);
  }

  /** Four words (another digest's lanes, a set's sums). */
  words4(w: Int32Array): void {
    for (let i = 0; i < 4; i++) this.word(w[i]!);
  }

  /** The digest as 32 hex digits; the hasher is spent afterwards (until `reset`). */
  hex(): string {
    return [...this.lanes()].map((h) => (h >>> 0).toString(16).padStart(8, '0')).join('');
  }

  /** The digest's four lanes, valid until the next `reset`; the hasher is spent until then. */
  lanes(): Int32Array {
    const total = this.#total + this.n;
    while (this.n % 4 !== 0) this.buf[this.n++] = 0;
    this.#flush();
    finish(this.#h, total);
    return this.#h;
  }

  /** Starts a new digest (one hasher reused for many small ones allocates nothing). */
  reset(): void {
    this.n = 0;
    this.#total = 0;
    const h = this.#h;
    h[0] = SEEDS[0]!;
    h[1] = SEEDS[1]!;
    h[2] = SEEDS[2]!;
    h[3] = SEEDS[3]!;
  }

  /** Mixes the whole blocks written so far; a partial block's words move to the front. */
  #flush(): void {
    const full = this.n & ~3;
    mixBlocks(this.#h, this.buf, 0, full);
    this.#total += full;
    this.buf.copyWithin(0, full, this.n);
    this.n -= full;
  }
}

/**
 * An order-free digest of a multiset: each member's words (written into `scratch` by the caller, then
 * `add(words)`) hashed alone, the members' 128-bit digests summed lane by lane. For what has no
 * canonical order but history or slot numbers (orders by slot, transfer ids, expiry entries): no sort
 * and no copy on the engine thread, and a scan in slot order instead of a walk through memory.
 */
export class SetHash {
  scratch = new Int32Array(64);
  readonly sums = new Int32Array(4);
  count = 0;
  readonly #h = new Int32Array(4);

  /** Makes `scratch` hold at least `words` (plus a block's padding). */
  ensure(words: number): Int32Array {
    if (this.scratch.length < words + 4) this.scratch = new Int32Array(2 * words + 4);
    return this.scratch;
  }

  add(words: number): void {
    const b = this.scratch;
    let end = words;
    while ((end & 3) !== 0) b[end++] = 0;
    const h = this.#h;
    // Four stores, not `set(SEEDS)`: copying from a plain array costs as much as the mixing.
    h[0] = SEEDS[0]!;
    h[1] = SEEDS[1]!;
    h[2] = SEEDS[2]!;
    h[3] = SEEDS[3]!;
    mixBlocks(h, b, 0, end);
    finish(h, words);
    const sums = this.sums;
    for (let i = 0; i < 4; i++) sums[i] = sums[i]! + h[i]!;
    this.count++;
  }

  /** The multiset's digest into an ordered hash: its size, then the four sums. */
  into(out: WordHash): void {
    out.int(this.count);
    out.words4(this.sums);
  }
}
