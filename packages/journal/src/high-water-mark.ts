// The journal's own durable high-water mark, `journal.hwm` beside the segments: a seq known to be
// durable, so a lost tail (records cut after they were acknowledged, a vanished last segment) is
// refused without help from the read models. It is written at open, every so often after a commit,
// and at a clean close (flagged clean), always after the seq it names is durable, so it is a lower
// bound of what the journal must hold. Two checksummed 32-byte slots written in turn: a torn write of
// one slot leaves the other.
import { constants, readFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { readU64, writeU64 } from './journal-format.ts';
import { PRIVATE_FILE_MODE } from './private-files.ts';

export const HIGH_WATER_FILE_NAME = 'journal.hwm';

/** `BRSHWM` + 2 NUL */
const MAGIC = Buffer.from('BRSHWM\0\0', 'latin1');
const VERSION = 1;
/** magic(8) | u32 version | u32 flags | u64 seq | u32 counter | u32 crc32(bytes 0..28) */
const SLOT_BYTES = 32;
const FLAG_CLEAN = 1;
const DSYNC: number = constants.O_DSYNC ?? 0;

export interface HighWater {
  /** Every record up to this seq was durable when the mark was written. */
  readonly seq: number;
  /** Written by a clean close: the journal then ended exactly at `seq`. */
  readonly clean: boolean;
  /** Which write this was; the newer of the two slots wins. */
  readonly counter: number;
}

/** The newest intact mark in `dir`, or undefined (a journal written before marks existed). */
export function readHighWater(dir: string): HighWater | undefined {
  let file: Buffer;
  try {
    file = readFileSync(join(dir, HIGH_WATER_FILE_NAME));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let best: HighWater | undefined;
  for (let at = 0; at + SLOT_BYTES <= file.length; at += SLOT_BYTES) {
    const slot = decodeSlot(file.subarray(at, at + SLOT_BYTES));
    if (slot !== undefined && (best === undefined || slot.counter > best.counter)) best = slot;
  }
  return best;
}

/** The open mark file of a journal writer; writes are durable when they resolve. */
export class HighWaterFile {
  readonly #handle: FileHandle;
  #counter: number;
  #seq: number;

  private constructor(handle: FileHandle, previous: HighWater | undefined) {
    this.#handle = handle;
    this.#counter = previous?.counter ?? 0;
    this.#seq = previous?.seq ?? 0;
  }

  /** Opens (creating 0600) the mark file of `dir`; the caller syncs the directory. */
  static async open(dir: string, previous: HighWater | undefined): Promise<HighWaterFile> {
    const path = join(dir, HIGH_WATER_FILE_NAME);
    const handle = await open(
      path,
      constants.O_RDWR | constants.O_CREAT | DSYNC,
      PRIVATE_FILE_MODE,
    );
    return new HighWaterFile(handle, previous);
  }

  /** Last seq written (the previous mark's until the first write). */
  get seq(): number {
    return this.#seq;
  }

  /** Durably records that every record up to `seq` is durable (never lowers the mark). */
  async write(seq: number, clean: boolean): Promise<void> {
    const value = Math.max(seq, this.#seq);
    this.#counter++;
    const slot = encodeSlot(value, clean, this.#counter);
    await this.#handle.write(slot, 0, SLOT_BYTES, (this.#counter % 2) * SLOT_BYTES);
    if (DSYNC === 0) await this.#handle.datasync();
    this.#seq = value;
  }

  close(): Promise<void> {
    return this.#handle.close();
  }
}

function encodeSlot(seq: number, clean: boolean, counter: number): Buffer {
  const slot = Buffer.alloc(SLOT_BYTES);
  MAGIC.copy(slot, 0);
  slot.writeUInt32LE(VERSION, 8);
  slot.writeUInt32LE(clean ? FLAG_CLEAN : 0, 12);
  writeU64(slot, 16, seq);
  slot.writeUInt32LE(counter >>> 0, 24);
  slot.writeUInt32LE(crc32(slot.subarray(0, 28)), 28);
  return slot;
}

function decodeSlot(slot: Buffer): HighWater | undefined {
  if (!slot.subarray(0, 8).equals(MAGIC) || slot.readUInt32LE(8) !== VERSION) return undefined;
  if (crc32(slot.subarray(0, 28)) !== slot.readUInt32LE(28)) return undefined;
  const seq = readU64(slot, 16);
  if (!Number.isSafeInteger(seq)) return undefined;
  const clean = (slot.readUInt32LE(12) & FLAG_CLEAN) !== 0;
  return { seq, clean, counter: slot.readUInt32LE(24) };
}
