// What someone with write access to a data directory can do to a chained journal without the
// signing key: read every record, edit the list (change, remove, insert, reorder), and write the
// segments back with seqs renumbered, segment files renamed and every CRC recomputed. `rechain`
// also recomputes every stored chain hash and segment header, as an attacker who knows the format
// would; only a signed checkpoint taken before the change then gives it away.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import {
  CHAIN_BYTES,
  computeChain,
  parseSegmentFileName,
  RECORD_HEADER_BYTES,
  readU64,
  SEGMENT_HEADER_BYTES,
  segmentFileName,
  writeSegmentHeader,
  writeU64,
} from '../src/journal-format.ts';

export interface StolenRecord {
  seq: number;
  payload: Buffer;
  /** The chain hash as stored in the frame. */
  chain: Buffer;
}

export interface StolenSegment {
  /** The chain hash its header says the first record follows. */
  prevChain: Buffer;
  records: StolenRecord[];
}

/** Every segment of a format 2 journal, parsed without any check. */
export function steal(dir: string): StolenSegment[] {
  const names = readdirSync(dir)
    .filter((n) => parseSegmentFileName(n) !== undefined)
    .sort();
  return names.map((name) => {
    const bytes = readFileSync(join(dir, name));
    const prevChain = Buffer.from(bytes.subarray(24, 24 + CHAIN_BYTES));
    const records: StolenRecord[] = [];
    for (let at = SEGMENT_HEADER_BYTES; at + RECORD_HEADER_BYTES <= bytes.length; ) {
      const length = bytes.readUInt32LE(at);
      const seq = readU64(bytes, at + 8);
      const chain = Buffer.from(bytes.subarray(at + 16, at + 16 + CHAIN_BYTES));
      const payload = Buffer.from(
        bytes.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + length),
      );
      records.push({ seq, payload, chain });
      at += RECORD_HEADER_BYTES + length;
    }
    return { prevChain, records };
  });
}

/**
 * Writes `segments` back in place of the journal's: seqs renumbered from the first segment's first
 * seq, files named after them, CRCs recomputed; with `rechain`, chain hashes and headers too.
 */
export function plant(
  dir: string,
  segments: StolenSegment[],
  opts: { rechain?: boolean } = {},
): void {
  for (const name of readdirSync(dir)) {
    if (parseSegmentFileName(name) !== undefined) rmSync(join(dir, name));
  }
  let seq = segments[0]?.records[0]?.seq ?? 1;
  let chain = segments[0]?.prevChain ?? Buffer.alloc(CHAIN_BYTES);
  for (const segment of segments) {
    const size = segment.records.reduce((n, r) => n + RECORD_HEADER_BYTES + r.payload.length, 0);
    const buf = Buffer.alloc(SEGMENT_HEADER_BYTES + size);
    writeSegmentHeader(buf, 0, seq, opts.rechain ? chain : segment.prevChain);
    const firstSeq = seq;
    let at = SEGMENT_HEADER_BYTES;
    for (const record of segment.records) {
      chain = opts.rechain ? computeChain(seq, chain, record.payload) : record.chain;
      buf.writeUInt32LE(record.payload.length, at);
      writeU64(buf, at + 8, seq);
      chain.copy(buf, at + 16);
      record.payload.copy(buf, at + RECORD_HEADER_BYTES);
      const end = at + RECORD_HEADER_BYTES + record.payload.length;
      buf.writeUInt32LE(crc32(buf.subarray(at + 8, end)), at + 4);
      at = end;
      seq++;
    }
    writeFileSync(join(dir, segmentFileName(firstSeq)), buf);
  }
}

/** Where record `seq` sits: its segment's index and its index in that segment. */
export function locate(segments: StolenSegment[], seq: number): [number, number] {
  for (let s = 0; s < segments.length; s++) {
    const i = segments[s]!.records.findIndex((r) => r.seq === seq);
    if (i >= 0) return [s, i];
  }
  throw new Error(`no record ${seq}`);
}
