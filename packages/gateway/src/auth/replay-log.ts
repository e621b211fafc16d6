// The replay guard's memory on disk, so a restart inside the timestamp window does not forget which
// signatures were used. Each accepted signature is appended (24 bytes: a 16-byte key and its expiry) to
// the current generation file before the request goes on; a generation takes one window's appends and a
// file is deleted once nothing in it can still be live. Appends are not fsynced: they survive a process
// crash (the page cache keeps them) and cost a write call, not a disk flush that would queue with the
// journal's; after a power loss, refusing what was signed before the start covers nearly all of it.
// A failed append (a full disk) does not fail the request: the signature is still remembered in
// memory, only a restart inside the window could forget it, and the failure is reported.

import {
  closeSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { makePrivateDir, PRIVATE_FILE_MODE } from '@bourse/core';

export const REPLAY_KEY_BYTES = 16;
const RECORD_BYTES = REPLAY_KEY_BYTES + 8;
const FILE = /^replay-(\d+)\.bin$/;

export class ReplayLog {
  readonly #dir: string;
  readonly #windowMs: number;
  /** Generation files on disk by their start time, oldest first. */
  readonly #files: { start: number; name: string }[] = [];
  #fd: number | undefined;
  readonly #record = Buffer.alloc(RECORD_BYTES);
  readonly #onError: (error: unknown) => void;
  /** Set by a failed append, cleared by the next good one: each run of failures is reported once. */
  #failing = false;

  constructor(dir: string, windowMs: number, onError: (error: unknown) => void = () => {}) {
    this.#dir = dir;
    this.#windowMs = windowMs;
    this.#onError = onError;
    makePrivateDir(dir);
    for (const name of readdirSync(dir)) {
      const m = FILE.exec(name);
      if (m !== null) this.#files.push({ start: Number(m[1]), name });
    }
    this.#files.sort((a, b) => a.start - b.start);
  }

  /** Every recorded entry still live at `nowMs` (key as latin1 text, expiry), earliest expiry first. */
  load(nowMs: number): [key: string, expiryMs: number][] {
    this.#dropOld(nowMs);
    const live: [string, number][] = [];
    for (const { name } of this.#files) {
      const path = join(this.#dir, name);
      if (!lstatSync(path).isFile()) continue; // only what this log wrote is read back
      const bytes = readFileSync(path);
      // A record cut by a crash mid-write is ignored: its request was never answered.
      for (let at = 0; at + RECORD_BYTES <= bytes.length; at += RECORD_BYTES) {
        const expiry = bytes.readDoubleLE(at + REPLAY_KEY_BYTES);
        if (expiry > nowMs)
          live.push([bytes.toString('latin1', at, at + REPLAY_KEY_BYTES), expiry]);
      }
    }
    return live.sort((a, b) => a[1] - b[1]);
  }

  append(key: Buffer, expiryMs: number, nowMs: number): void {
    try {
      const current = this.#files.at(-1);
      const full = current === undefined || nowMs >= current.start + this.#windowMs;
      if (this.#fd === undefined || full) this.#rotate(nowMs);
      key.copy(this.#record, 0, 0, REPLAY_KEY_BYTES);
      this.#record.writeDoubleLE(expiryMs, REPLAY_KEY_BYTES);
      if (writeSync(this.#fd!, this.#record) !== RECORD_BYTES) throw new Error('short write');
      this.#failing = false;
    } catch (error) {
      // A half-written record is skipped when read; a fresh file is opened at the next append.
      try {
        this.close();
      } catch {
        // The descriptor is dropped either way.
      }
      if (!this.#failing) this.#onError(error);
      this.#failing = true;
    }
  }

  close(): void {
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd !== undefined) closeSync(fd);
  }

  #rotate(nowMs: number): void {
    this.close();
    const name = `replay-${nowMs}.bin`;
    this.#fd = openSync(join(this.#dir, name), 'a', PRIVATE_FILE_MODE);
    if (this.#files.at(-1)?.name !== name) this.#files.push({ start: nowMs, name });
    this.#dropOld(nowMs);
  }

  /**
   * A generation started at G took appends until G + window; an entry's timestamp is at most one
   * window ahead of its append and it lives one window past its timestamp, so by G + 3 windows the
   * whole file is dead.
   */
  #dropOld(nowMs: number): void {
    while (this.#files.length > 1 && this.#files[0]!.start + 3 * this.#windowMs <= nowMs) {
      rmSync(join(this.#dir, this.#files.shift()!.name), { force: true });
    }
  }
}
