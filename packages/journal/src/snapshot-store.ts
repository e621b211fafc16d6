// Engine snapshots beside the journal, so a restart replays only the records after the newest one.
// A snapshot becomes visible only whole (temp file, fsync, rename, directory fsync) and carries a
// checksum; a damaged snapshot is skipped in favour of the next older one. Format 2 also records the
// journal's chain value at the snapshot's seq (`FileJournal.chainAt`: the chain of the seal of the
// batch holding that seq), so an audit can tie the state to the records behind it.
import { readdirSync, readFileSync } from 'node:fs';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { CHAIN_BYTES, readU64, writeU64 } from './journal-format.ts';
import { makePrivateDir, PRIVATE_FILE_MODE } from './private-files.ts';
import { syncDirectory } from './sync-directory.ts';

/** `BRSSNAP` + NUL */
const SNAPSHOT_MAGIC = Buffer.from('BRSSNAP\0', 'latin1');
/** magic(8) | u32 version | u32 crc32(bytes 16..end) | u64 seq | u64 byteLength */
const V1_HEADER_BYTES = 32;
/** Version 1's header, then the journal's chain hash at the snapshot's seq. */
const V2_HEADER_BYTES = V1_HEADER_BYTES + CHAIN_BYTES;
const SNAPSHOT_NAME = /^snapshot-(\d{20})\.snap$/;
const TEMP_NAME = /^snapshot-(\d{20})\.snap\.tmp$/;
export const DEFAULT_SNAPSHOTS_KEPT = 3;

export interface StoredSnapshot {
  readonly seq: number;
  readonly bytes: Uint8Array;
  /** The journal's chain hash at `seq` (undefined for a snapshot written without it). */
  readonly chain: Buffer | undefined;
}

export interface SnapshotStoreOptions {
  /** How many of the newest snapshots survive a save (default 3, at least 1). */
  readonly keep?: number;
}

export class SnapshotStore {
  readonly dir: string;
  readonly keep: number;

  constructor(dir: string, opts: SnapshotStoreOptions = {}) {
    const keep = opts.keep ?? DEFAULT_SNAPSHOTS_KEPT;
    if (!Number.isSafeInteger(keep) || keep < 1) throw new RangeError('keep must be >= 1');
    this.dir = dir;
    this.keep = keep;
  }

  /**
   * Durably stores the engine state as of `seq` with the journal's chain hash there (when known),
   * then drops snapshots beyond the newest `keep`.
   */
  async save(seq: number, bytes: Uint8Array, chain?: Uint8Array): Promise<void> {
    if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`bad snapshot seq ${seq}`);
    if (chain !== undefined && chain.byteLength !== CHAIN_BYTES) {
      throw new RangeError(`a chain hash has ${CHAIN_BYTES} bytes, not ${chain.byteLength}`);
    }
    makePrivateDir(this.dir);
    const name = snapshotFileName(seq);
    const temp = join(this.dir, `${name}.tmp`);
    const handle = await open(temp, 'w', PRIVATE_FILE_MODE);
    try {
      const header = encodeHeader(seq, bytes, chain);
      await writeAll(handle, header, 0);
      await writeAll(handle, bytes, header.length);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(this.dir, name));
    await syncDirectory(this.dir);
    await this.#prune();
  }

  /** The newest snapshot whose checksum holds, or undefined when there is none. */
  latest(): StoredSnapshot | undefined {
    for (const snapshot of this.newestFirst()) return snapshot;
    return undefined;
  }

  /**
   * The intact snapshots at or below `maxSeq` (default: all), newest first, read one at a time so a
   * caller that stops early reads no more files than it needs.
   */
  *newestFirst(maxSeq = Number.MAX_SAFE_INTEGER): Generator<StoredSnapshot> {
    for (const { name, seq } of this.#list(SNAPSHOT_NAME).reverse()) {
      if (seq > maxSeq) continue;
      let file: Buffer;
      try {
        file = readFileSync(join(this.dir, name));
      } catch {
        continue; // removed by a concurrent prune
      }
      const decoded = decodeSnapshot(file);
      if (decoded !== undefined && decoded.seq === seq) yield decoded;
    }
  }

  /** Deletes every snapshot at `seq` or later (state that includes records a repair cut). */
  async removeFrom(seq: number): Promise<number> {
    const doomed = this.#list(SNAPSHOT_NAME).filter((s) => s.seq >= seq);
    for (const { name } of doomed) await rm(join(this.dir, name), { force: true });
    if (doomed.length > 0) await syncDirectory(this.dir);
    return doomed.length;
  }

  async #prune(): Promise<void> {
    const kept = this.#list(SNAPSHOT_NAME);
    const doomed = kept.slice(0, Math.max(0, kept.length - this.keep));
    const oldestKept = kept[doomed.length]?.seq ?? 0;
    // A temp file older than every kept snapshot is debris from a crashed save.
    const debris = this.#list(TEMP_NAME).filter((t) => t.seq < oldestKept);
    for (const { name } of [...doomed, ...debris]) await rm(join(this.dir, name), { force: true });
  }

  #list(pattern: RegExp): { name: string; seq: number }[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const found: { name: string; seq: number }[] = [];
    for (const name of names) {
      const match = pattern.exec(name);
      if (match !== null) found.push({ name, seq: Number(match[1]) });
    }
    return found.sort((a, b) => a.seq - b.seq);
  }
}

export function snapshotFileName(seq: number): string {
  return `snapshot-${String(seq).padStart(20, '0')}.snap`;
}

async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

function encodeHeader(seq: number, bytes: Uint8Array, chain: Uint8Array | undefined): Buffer {
  const header = Buffer.alloc(chain === undefined ? V1_HEADER_BYTES : V2_HEADER_BYTES);
  SNAPSHOT_MAGIC.copy(header, 0);
  header.writeUInt32LE(chain === undefined ? 1 : 2, 8);
  writeU64(header, 16, seq);
  writeU64(header, 24, bytes.byteLength);
  if (chain !== undefined) header.set(chain, V1_HEADER_BYTES);
  header.writeUInt32LE(crc32(bytes, crc32(header.subarray(16))), 12);
  return header;
}

/** The snapshot a file holds, or undefined when it is damaged or not a snapshot. */
export function decodeSnapshot(file: Buffer): StoredSnapshot | undefined {
  if (file.length < V1_HEADER_BYTES) return undefined;
  if (!file.subarray(0, 8).equals(SNAPSHOT_MAGIC)) return undefined;
  const version = file.readUInt32LE(8);
  const headerBytes = version === 1 ? V1_HEADER_BYTES : version === 2 ? V2_HEADER_BYTES : 0;
  if (headerBytes === 0 || file.length < headerBytes) return undefined;
  const seq = readU64(file, 16);
  const length = readU64(file, 24);
  if (length !== file.length - headerBytes) return undefined;
  if (crc32(file.subarray(16)) !== file.readUInt32LE(12)) return undefined;
  const bytes = new Uint8Array(file.buffer, file.byteOffset + headerBytes, length);
  const chain =
    version === 2 ? Buffer.from(file.subarray(V1_HEADER_BYTES, V2_HEADER_BYTES)) : undefined;
  return { seq, bytes, chain };
}
