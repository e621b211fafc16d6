// What someone with write access to a data directory can do to a chained journal without the
// signing key: read every record and seal, edit the list (change, remove, insert, reorder records,
// edit or drop seals), and write the segments back with seqs renumbered, segment files renamed and
// every record's CRC recomputed. Seals are written back as they were unless asked: `reseal` also
// rewrites each seal's seqs, count and manifest of CRCs to match the records before it (keeping its
// chain value), and `rechain` recomputes every seal and segment header as the writer would, as an
// attacker who knows the format would; only a signed checkpoint taken before the change then gives
// it away.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import {
  isSealWord,
  SEAL_FIXED_BYTES,
  sealBodyBytes,
  sealBytes,
  writeSeal,
} from '../src/batch-seal.ts';
import {
  CHAIN_BYTES,
  parseSegmentFileName,
  RECORD_HEADER_BYTES,
  readU64,
  SEGMENT_HEADER_BYTES,
  segmentFileName,
  writeRecord,
  writeSegmentHeader,
} from '../src/journal-format.ts';

export interface StolenRecord {
  kind: 'record';
  seq: number;
  payload: Buffer;
}

export interface StolenSeal {
  kind: 'seal';
  /** The whole seal frame as stored. */
  frame: Buffer;
}

export type StolenFrame = StolenRecord | StolenSeal;

export interface StolenSegment {
  /** The chain value its header says the first record follows. */
  prevChain: Buffer;
  frames: StolenFrame[];
}

/** Every segment of a format 3 journal, parsed without any check. */
export function steal(dir: string): StolenSegment[] {
  const names = readdirSync(dir)
    .filter((n) => parseSegmentFileName(n) !== undefined)
    .sort();
  return names.map((name) => {
    const bytes = readFileSync(join(dir, name));
    const prevChain = Buffer.from(bytes.subarray(24, 24 + CHAIN_BYTES));
    const frames: StolenFrame[] = [];
    for (let at = SEGMENT_HEADER_BYTES; at + RECORD_HEADER_BYTES <= bytes.length; ) {
      const word = bytes.readUInt32LE(at);
      if (isSealWord(word)) {
        const end = at + RECORD_HEADER_BYTES + sealBodyBytes(word);
        frames.push({ kind: 'seal', frame: Buffer.from(bytes.subarray(at, end)) });
        at = end;
        continue;
      }
      const seq = readU64(bytes, at + 8);
      const end = at + RECORD_HEADER_BYTES + word;
      frames.push({ kind: 'record', seq, payload: Buffer.from(bytes.subarray(at + 16, end)) });
      at = end;
    }
    return { prevChain, frames };
  });
}

/** The records of a segment (views of its frames list, for reading). */
export function recordsOf(segment: StolenSegment): StolenRecord[] {
  return segment.frames.filter((f): f is StolenRecord => f.kind === 'record');
}

/**
 * Writes `segments` back in place of the journal's: seqs renumbered from the first segment's first
 * seq, files named after them, record CRCs recomputed; seals as `opts` say (see the file's head).
 */
export function plant(
  dir: string,
  segments: StolenSegment[],
  opts: { rechain?: boolean; reseal?: boolean } = {},
): void {
  for (const name of readdirSync(dir)) {
    if (parseSegmentFileName(name) !== undefined) rmSync(join(dir, name));
  }
  let seq = recordsOf(segments[0]!)[0]?.seq ?? 1;
  let chain = (segments[0]?.prevChain ?? Buffer.alloc(CHAIN_BYTES)).toString('latin1');
  for (const segment of segments) {
    const size = segment.frames.reduce(
      (n, f) =>
        n + (f.kind === 'seal' ? f.frame.length + 4096 : RECORD_HEADER_BYTES + f.payload.length),
      SEGMENT_HEADER_BYTES,
    );
    const buf = Buffer.alloc(size);
    const headerChain = opts.rechain ? Buffer.from(chain, 'latin1') : segment.prevChain;
    writeSegmentHeader(buf, 0, seq, headerChain);
    const firstSeq = seq;
    let at = SEGMENT_HEADER_BYTES;
    let groupStart = at;
    for (const frame of segment.frames) {
      if (frame.kind === 'record') {
        at += writeRecord(buf, at, seq++, frame.payload);
        continue;
      }
      const count = countFrames(buf, groupStart, at);
      if (opts.rechain) {
        chain = writeSeal(buf, groupStart, at, seq - 1, count, chain);
        at += sealBytes(count);
      } else if (opts.reseal) {
        const stored = frame.frame.subarray(-CHAIN_BYTES).toString('latin1');
        writeSeal(buf, groupStart, at, seq - 1, count, stored);
        buf.write(stored, at + sealBytes(count) - CHAIN_BYTES, CHAIN_BYTES, 'latin1');
        const end = at + sealBytes(count);
        buf.writeUInt32LE(crc32(buf.subarray(at + 8, end)), at + 4);
        at = end;
      } else {
        frame.frame.copy(buf, at);
        at += frame.frame.length;
      }
      groupStart = at;
    }
    writeFileSync(join(dir, segmentFileName(firstSeq)), buf.subarray(0, at));
  }
}

function countFrames(buf: Buffer, from: number, to: number): number {
  let count = 0;
  for (let at = from; at < to; count++) at += RECORD_HEADER_BYTES + buf.readUInt32LE(at);
  return count;
}

/** Where record `seq` sits: its segment's index and its index in that segment's frames. */
export function locate(segments: StolenSegment[], seq: number): [number, number] {
  for (let s = 0; s < segments.length; s++) {
    const i = segments[s]!.frames.findIndex((f) => f.kind === 'record' && f.seq === seq);
    if (i >= 0) return [s, i];
  }
  throw new Error(`no record ${seq}`);
}

/** Sets manifest entry `index` of a seal frame and recomputes the seal's CRC, as an attacker would. */
export function editManifest(seal: StolenSeal, index: number, crc: number): void {
  seal.frame.writeUInt32LE(crc, SEAL_FIXED_BYTES + 4 * index);
  seal.frame.writeUInt32LE(crc32(seal.frame.subarray(8)), 4);
}
