// Read-only walk over every segment of a journal directory that classifies what it finds: whole
// records, a torn tail (an incomplete frame, or one whose end a power cut zeroed, at the end of the
// LAST segment with nothing valid after it; or a last commit that lost a sector and kept later ones,
// torn-write.ts), a damaged record (a whole frame whose checksum fails),
// a lost tail (the journal ends before its own high-water mark) or other corruption. Opening and
// verifying share it, so they can never disagree.
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { HIGH_WATER_FILE_NAME, type HighWater, readHighWater } from './high-water-mark.ts';
import {
  CHAIN_BYTES,
  CHAIN_OFFSET,
  computeChain,
  type FrameLayout,
  LAYOUT_V1,
  LAYOUT_V2,
  LAYOUT_V3,
  MAX_PAYLOAD_BYTES,
  parseSegmentFileName,
  readU64,
  recordChecksum,
  segmentFileName,
} from './journal-format.ts';
import { readSegmentHeader, SegmentCursor } from './segment-cursor.ts';
import { isTornLastWrite } from './torn-write.ts';

export interface SegmentSummary {
  readonly name: string;
  readonly firstSeq: number;
  /** firstSeq - 1 when the segment holds no record. */
  readonly lastSeq: number;
  /** Bytes that hold a valid header and whole records (the file may be longer by a torn tail). */
  readonly validBytes: number;
  readonly fileBytes: number;
  /** The segment's format (a last segment whose header was torn counts as the current one). */
  readonly layout: FrameLayout;
  /**
   * Chain value after its last record (before it when it holds none): the last seal's in format 3,
   * the last record's in format 2, computed for format 1 only when the scan was asked to; undefined
   * when unknown.
   */
  readonly lastChain: Buffer | undefined;
}

export type DamageKind = 'damaged-record' | 'lost-tail' | 'corrupt';

export interface ScanProblem {
  readonly segment: string;
  readonly offset: number;
  readonly message: string;
  /**
   * `damaged-record`: a whole record whose checksum fails; `lost-tail`: the journal ends before its
   * high-water mark; `corrupt`: anything else (a bad header, a seq gap, garbage before the tail).
   */
  readonly kind: DamageKind;
  /** The seq the damaged or missing record should carry: records before it are intact. */
  readonly seq: number;
}

export interface JournalScan {
  readonly segments: SegmentSummary[];
  /** Segment files found, including any after the damage. */
  readonly segmentFiles: number;
  readonly records: number;
  /** 0 when the journal holds no record. */
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly tornTailBytes: number;
  readonly totalBytes: number;
  /** The journal's own durable mark, when it has one (see high-water-mark.ts). */
  readonly highWater: HighWater | undefined;
  /** The last stop was clean and the journal ends exactly where it then ended. */
  readonly cleanStop: boolean;
  /**
   * First seq whose checksum this scan verified (1 unless `trustThrough` let it pass over older
   * records): a reader of records before it must check them itself.
   */
  readonly checkedFrom: number;
  readonly error?: ScanProblem;
}

export type ProgressFn = (bytesDone: number, bytesTotal: number) => void;

export interface ScanOptions {
  readonly onProgress?: ProgressFn;
  /**
   * A writer may be appending right now (a reader beside a live journal): a whole frame past the
   * high-water mark whose checksum fails may be a write in progress, so it ends the scan instead
   * of being refused.
   */
  readonly liveWriter?: boolean;
  /** Another seq known durable (a snapshot's): the journal must reach it too. */
  readonly durableFloor?: DurableFloor;
  /**
   * Compute the chain over format 1 segments (written before records carried it), from the oldest
   * kept one on, so a writer can continue it: costs a SHA-256 per record of those segments.
   */
  readonly chainFormat1?: boolean;
  /**
   * Records up to this seq are not checksummed, and segments that end at or before it are not read
   * past their header, as long as the high-water mark says they were durable: a crash tears only
   * what was not yet durable, so a restart need only check what it replays (after its snapshot) and
   * the tail. Damage to older records (bit rot, tampering) is found by whoever reads them (every
   * reader checks what the scan did not) and by `bourse journal verify` and `bourse audit verify`,
   * which always check every record.
   */
  readonly trustThrough?: number;
}

export interface DurableFloor {
  readonly seq: number;
  /** Names where the bound comes from, for the message (e.g. "the snapshot at seq 9"). */
  readonly source: string;
}

const PROGRESS_STEP_BYTES = 4 * 1024 * 1024;

/** Segment file names in seq order. */
export function listSegments(dir: string): { name: string; firstSeq: number }[] {
  if (!existsSync(dir)) return [];
  const found: { name: string; firstSeq: number }[] = [];
  for (const name of readdirSync(dir)) {
    const firstSeq = parseSegmentFileName(name);
    if (firstSeq !== undefined) found.push({ name, firstSeq });
  }
  return found.sort((a, b) => a.firstSeq - b.firstSeq);
}

export function scanJournal(dir: string, opts: ScanOptions = {}): JournalScan {
  // The mark first: it only grows while a writer runs, so the segments read after it hold it all.
  const highWater = existsSync(dir) ? readHighWater(dir) : undefined;
  const listed = listSegments(dir);
  const sizes = listed.map((s) => sizeOf(join(dir, s.name)));
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  const segments: SegmentSummary[] = [];
  const tail: TailPolicy = { markSeq: highWater?.seq ?? 0, liveWriter: opts.liveWriter === true };
  // Format 1 segments carry no chain: computing it means reading them all.
  const trusted = opts.chainFormat1 === true ? 0 : Math.min(opts.trustThrough ?? 0, tail.markSeq);
  let done = 0;
  let records = 0;
  let tornTailBytes = 0;
  let error: ScanProblem | undefined;
  for (let i = 0; i < listed.length && error === undefined; i++) {
    const { name, firstSeq } = listed[i]!;
    const previous = segments.at(-1);
    if (previous !== undefined && firstSeq !== previous.lastSeq + 1) {
      const expected = previous.lastSeq + 1;
      const message = `segment starts at seq ${firstSeq} but seq ${expected} was expected`;
      error = { segment: name, offset: 0, message, kind: 'corrupt', seq: expected };
      break;
    }
    const isLast = i === listed.length - 1;
    const progress = (bytes: number) => opts.onProgress?.(done + bytes, totalBytes);
    const file = { path: join(dir, name), name, firstSeq };
    const result =
      !isLast && listed[i + 1]!.firstSeq - 1 <= trusted
        ? trustedSegment(file, listed[i + 1]!.firstSeq - 1, sizes[i]!)
        : scanSegment(
            file,
            isLast ? tail : undefined,
            previous === undefined ? GENESIS : previous.lastChain,
            { chainFormat1: opts.chainFormat1 === true, trusted },
            progress,
          );
    done += sizes[i]!;
    opts.onProgress?.(done, totalBytes);
    if ('error' in result) {
      error = result.error;
      break;
    }
    segments.push(result.summary);
    records += result.summary.lastSeq - firstSeq + 1;
    if (isLast) tornTailBytes = result.summary.fileBytes - result.summary.validBytes;
  }
  const first = segments.find((s) => s.lastSeq >= s.firstSeq);
  const lastSeq = first === undefined ? 0 : segments.at(-1)!.lastSeq;
  error ??= lostTail(segments, highWater, tornTailBytes, opts.durableFloor);
  const base = {
    segments,
    segmentFiles: listed.length,
    records,
    firstSeq: first?.firstSeq ?? 0,
    lastSeq,
    tornTailBytes,
    totalBytes,
    highWater,
    cleanStop: highWater?.clean === true && highWater.seq === lastSeq && tornTailBytes === 0,
    checkedFrom: Math.min(trusted, lastSeq) + 1,
  };
  return error === undefined ? base : { ...base, error };
}

/** The journal ends before its high-water mark: acknowledged records are gone. */
function lostTail(
  segments: readonly SegmentSummary[],
  highWater: HighWater | undefined,
  tornTailBytes: number,
  floor: DurableFloor | undefined,
): ScanProblem | undefined {
  const last = segments.at(-1);
  const lastSeq = last?.lastSeq ?? 0;
  const bounds: DurableFloor[] = [];
  if (highWater !== undefined) {
    bounds.push({ seq: highWater.seq, source: `its high-water mark (${HIGH_WATER_FILE_NAME})` });
  }
  if (floor !== undefined) bounds.push(floor);
  const bound = bounds.filter((b) => b.seq > lastSeq).sort((a, b) => b.seq - a.seq)[0];
  if (bound === undefined) return undefined;
  const torn = tornTailBytes > 0 ? ` (then ${tornTailBytes} bytes of an incomplete record)` : '';
  return {
    segment: last?.name ?? segmentFileName(lastSeq + 1),
    offset: last?.validBytes ?? 0,
    kind: 'lost-tail',
    seq: lastSeq + 1,
    message:
      `the journal ends at seq ${lastSeq}${torn} but ${bound.source} says seq ${bound.seq} ` +
      `was durable: records ${lastSeq + 1}..${bound.seq} are lost`,
  };
}

interface TailPolicy {
  /** Seq of the high-water mark (0 without one). */
  readonly markSeq: number;
  readonly liveWriter: boolean;
}

type SegmentResult = { summary: SegmentSummary } | { error: ScanProblem };

/** The chain before the first record of a journal. */
const GENESIS = Buffer.alloc(CHAIN_BYTES);

/**
 * Summary of one segment; `tail` is set for the last one, the only place a torn write can be.
 * `prevChain` is the chain hash the segment follows (undefined when unknown).
 */
function scanSegment(
  file: { path: string; name: string; firstSeq: number },
  tail: TailPolicy | undefined,
  prevChain: Buffer | undefined,
  { chainFormat1, trusted }: { chainFormat1: boolean; trusted: number },
  progress: (bytes: number) => void,
): SegmentResult {
  const { path, name, firstSeq } = file;
  const fd = openSync(path, 'r');
  try {
    const fileBytes = fstatSync(fd).size;
    const header = readSegmentHeader(fd, fileBytes, firstSeq);
    if (typeof header === 'string') {
      const rest = readRest(fd, fileBytes, 0);
      // The segment's first write (its header, records and seal) may have lost its first sector.
      const torn =
        tail !== undefined &&
        (findLaterRecord(rest, 0, firstSeq) === undefined ||
          isTornLastWrite(rest, 0, 0, firstSeq, false));
      if (!torn) {
        const error = { segment: name, offset: 0, message: header, kind: 'corrupt' as const };
        return { error: { ...error, seq: firstSeq } };
      }
      const lastSeq = firstSeq - 1;
      const summary = { name, firstSeq, lastSeq, validBytes: 0, fileBytes, layout: LAYOUT_V3 };
      return { summary: { ...summary, lastChain: prevChain } };
    }
    const { layout } = header;
    const cursor = new SegmentCursor(fd, fileBytes, firstSeq, layout);
    cursor.checkedThrough = trusted;
    const computed = !layout.chained && chainFormat1 && prevChain !== undefined;
    const chained = layout.chained || computed;
    let chain: Buffer = Buffer.from((layout.chained ? header.prevChain : prevChain) ?? GENESIS);
    let reported = 0;
    let lastRecordAt = -1;
    let step = cursor.next();
    while (step === 'record') {
      if (cursor.end - reported >= PROGRESS_STEP_BYTES) progress((reported = cursor.end));
      lastRecordAt = cursor.offset;
      if (computed) chain = computeChain(cursor.seq, chain, cursor.payloadView());
      step = cursor.next();
    }
    // Only the last stored chain matters: read once, not copied out of every record or seal.
    if (layout.recordChain && lastRecordAt >= 0) {
      readFully(fd, chain, lastRecordAt + CHAIN_OFFSET);
    }
    if (layout.sealed && cursor.sealedSeq >= firstSeq) {
      readFully(fd, chain, cursor.sealEnd - CHAIN_BYTES);
    }
    // In format 3 only sealed records count: a batch is written with its seal, so records after
    // the last seal are a batch whose write did not complete (never acknowledged): a torn tail.
    const summary = {
      name,
      firstSeq,
      lastSeq: layout.sealed ? cursor.sealedSeq : cursor.expectedSeq - 1,
      validBytes: layout.sealed ? cursor.sealEnd : cursor.offset,
      fileBytes,
      layout,
      lastChain: chained ? chain : undefined,
    };
    if (step === 'end') {
      const unsealed = unsealedTail(cursor, tail);
      if (unsealed === undefined) return { summary };
      const at = { segment: name, offset: cursor.sealEnd, seq: cursor.sealedSeq + 1 };
      return { error: { ...at, ...unsealed } };
    }
    const problem = classifyTail(fd, fileBytes, cursor, tail);
    if (problem === undefined) return { summary };
    const error = { segment: name, offset: cursor.offset, seq: cursor.expectedSeq, ...problem };
    return { error };
  } finally {
    closeSync(fd);
  }
}

/**
 * A sealed segment wholly within the durable, trusted records: its header is checked, its records
 * are not read (its last seq is the one before the next segment's first; its chain hash is stored in
 * the next segment's header, and nothing reads it from here).
 */
function trustedSegment(
  file: { path: string; name: string; firstSeq: number },
  lastSeq: number,
  fileBytes: number,
): SegmentResult {
  const { path, name, firstSeq } = file;
  const fd = openSync(path, 'r');
  try {
    const header = readSegmentHeader(fd, fileBytes, firstSeq);
    if (typeof header === 'string') {
      return {
        error: { segment: name, offset: 0, message: header, kind: 'corrupt', seq: firstSeq },
      };
    }
    const { layout } = header;
    const summary = { name, firstSeq, lastSeq, validBytes: fileBytes, fileBytes, layout };
    return { summary: { ...summary, lastChain: undefined } };
  } finally {
    closeSync(fd);
  }
}

/** Records after a segment's last seal are a torn tail only in the last segment. */
function unsealedTail(
  cursor: SegmentCursor,
  tail: TailPolicy | undefined,
): { kind: DamageKind; message: string } | undefined {
  if (!cursor.layout.sealed || cursor.sealedSeq === cursor.expectedSeq - 1) return undefined;
  if (tail !== undefined) return undefined;
  const records = `records ${cursor.sealedSeq + 1}..${cursor.expectedSeq - 1}`;
  return {
    kind: 'corrupt',
    message: `${records} end the segment without a seal (not the last segment)`,
  };
}

/**
 * Whether the first untrustworthy frame of a segment is a torn write (undefined: cut it) or damage.
 * A torn write leaves an incomplete frame, or a whole frame whose end and everything after it are
 * zeros (a page the power cut never wrote), with no valid record after it, in the last segment; or
 * (format 3) a lost sector in the last batch with nothing but that batch after it (decision 0982).
 */
function classifyTail(
  fd: number,
  fileBytes: number,
  cursor: SegmentCursor,
  tail: TailPolicy | undefined,
): { kind: DamageKind; message: string } | undefined {
  const kind: DamageKind = cursor.invalidKind === 'checksum' ? 'damaged-record' : 'corrupt';
  if (tail === undefined) return { kind, message: `${cursor.reason} (not the last segment)` };
  if (cursor.invalidKind === 'sequence') return { kind, message: cursor.reason };
  // Format 3: the last batch, from its first record (its write's start) on.
  const batchAt = cursor.layout.sealed ? cursor.sealEnd : cursor.offset;
  const batch = readRest(fd, fileBytes, batchAt);
  const damageAt = cursor.offset - batchAt;
  if (cursor.layout.sealed && isTornLastWrite(batch, batchAt, damageAt, cursor.sealedSeq + 1)) {
    return undefined;
  }
  const rest = batch.subarray(damageAt);
  if (findLaterRecord(rest, 1, cursor.expectedSeq, [cursor.layout]) !== undefined) {
    return { kind, message: `${cursor.reason}, and valid records follow it` };
  }
  if (cursor.invalidKind !== 'checksum') return undefined;
  const frameBytes = cursor.layout.recordHeaderBytes + cursor.payloadLength;
  if (zeroedFrom(rest) < frameBytes) return undefined;
  if (tail.liveWriter && cursor.expectedSeq > tail.markSeq) return undefined;
  return {
    kind,
    message:
      `record seq ${cursor.expectedSeq} is complete but its checksum fails: damaged after it was ` +
      'written (a torn write leaves an incomplete record)',
  };
}

/** Index where the run of zero bytes that ends `bytes` starts (bytes.length when none). */
function zeroedFrom(bytes: Buffer): number {
  let at = bytes.length;
  while (at > 0 && bytes[at - 1] === 0) at--;
  return at;
}

/**
 * Offset in `rest` of a valid record at or after `from` whose seq could follow `expectedSeq`, if
 * any. A torn write leaves nothing valid after the damage; damage followed by good records is
 * corruption. Runs only when something is already wrong.
 */
export function findLaterRecord(
  rest: Buffer,
  from: number,
  expectedSeq: number,
  layouts: readonly FrameLayout[] = [LAYOUT_V2, LAYOUT_V1],
): number | undefined {
  const maxSeq = expectedSeq + Math.ceil(rest.length / LAYOUT_V1.recordHeaderBytes);
  for (let at = from; at + LAYOUT_V1.recordHeaderBytes <= rest.length; at++) {
    const seq = readU64(rest, at + 8);
    if (seq < expectedSeq || seq > maxSeq) continue;
    const length = rest.readUInt32LE(at);
    if (length > MAX_PAYLOAD_BYTES) continue;
    for (const { recordHeaderBytes } of layouts) {
      if (at + recordHeaderBytes + length > rest.length) continue;
      if (recordChecksum(rest, at, length, recordHeaderBytes) === rest.readUInt32LE(at + 4)) {
        return at;
      }
    }
  }
  return undefined;
}

/** The bytes of the file from `from` to its end. */
function readRest(fd: number, fileBytes: number, from: number): Buffer {
  const rest = Buffer.allocUnsafe(Math.max(0, fileBytes - from));
  readFully(fd, rest, from);
  return rest;
}

function readFully(fd: number, into: Buffer, position: number): void {
  let filled = 0;
  while (filled < into.length) {
    const got = readSync(fd, into, filled, into.length - filled, position + filled);
    if (got === 0) throw new Error(`unexpected end of file at ${position + filled}`);
    filled += got;
  }
}

function sizeOf(path: string): number {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}
