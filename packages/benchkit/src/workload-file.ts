// The workload's binary file format, readable from any language: a 32-byte header ("OBWL", version 1,
// n, seed, profile id, lo, hi, mix id) then n 16-byte records (u8 type, u8 side, u16 0, u32 id, u32 price,
// u32 qty), all little-endian. The JSON sidecar (`WorkloadMeta`) travels beside it.

import { emptyColumns, MIXES, PROFILES, type Workload, type WorkloadColumns } from './workload.ts';

const HEADER_BYTES = 32;
const RECORD_BYTES = 16;
const MAGIC = [0x4f, 0x42, 0x57, 0x4c]; // "OBWL"

export function encodeWorkload({ cols, meta }: Workload): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES + cols.n * RECORD_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(4, 1, true);
  view.setUint32(8, cols.n, true);
  view.setUint32(12, meta.seed >>> 0, true);
  view.setUint32(16, PROFILES[meta.profile].id, true);
  view.setUint32(20, meta.lo, true);
  view.setUint32(24, meta.hi, true);
  view.setUint32(28, MIXES[meta.mixName].id, true);
  for (let i = 0, o = HEADER_BYTES; i < cols.n; i++, o += RECORD_BYTES) {
    bytes[o] = cols.type[i]!;
    bytes[o + 1] = cols.side[i]!;
    view.setUint32(o + 4, cols.id[i]!, true);
    view.setUint32(o + 8, cols.price[i]!, true);
    view.setUint32(o + 12, cols.qty[i]!, true);
  }
  return bytes;
}

/** Reads the records back into columns; throws on a wrong magic, version or length. */
export function decodeColumns(bytes: Uint8Array): WorkloadColumns {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < HEADER_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error('not an OBWL workload file (bad magic)');
  }
  if (view.getUint32(4, true) !== 1) throw new Error('unsupported OBWL version');
  const n = view.getUint32(8, true);
  if (bytes.length !== HEADER_BYTES + n * RECORD_BYTES)
    throw new Error('OBWL file length mismatch');
  const cols = emptyColumns(n);
  for (let i = 0, o = HEADER_BYTES; i < n; i++, o += RECORD_BYTES) {
    cols.type[i] = bytes[o]!;
    cols.side[i] = bytes[o + 1]!;
    cols.id[i] = view.getUint32(o + 4, true);
    cols.price[i] = view.getUint32(o + 8, true);
    cols.qty[i] = view.getUint32(o + 12, true);
  }
  return cols;
}

/** File name used by the reference tools: `<profile>[-<mix>]-<n>-<seed>.bin`. */
export function workloadFileName(w: Pick<Workload['meta'], 'profile' | 'mixName' | 'n' | 'seed'>) {
  const mix = w.mixName === 'brief' ? '' : `-${w.mixName}`;
  return `${w.profile}${mix}-${w.n}-${w.seed}.bin`;
}
