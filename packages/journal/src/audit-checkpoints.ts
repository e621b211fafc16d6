// Signed audit checkpoints: the journal's chain hash at a durable seq, signed with the operator's
// Ed25519 key, appended as JSON lines to `audit-checkpoints.jsonl` beside the segments. A checkpoint
// copied elsewhere (`bourse audit checkpoint`) later proves that the records up to its seq are the ones
// that were written: any change behind it changes the chain. A torn last line (a crash mid-append) is
// ignored; every other unreadable line is reported.
import { constants, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditSigner } from './audit-key.ts';
import { verifySignature } from './audit-key.ts';
import { CHAIN_BYTES } from './journal-format.ts';
import { PRIVATE_FILE_MODE } from './private-files.ts';

export const CHECKPOINTS_FILE_NAME = 'audit-checkpoints.jsonl';

export interface AuditCheckpoint {
  readonly v: 1;
  readonly seq: number;
  /**
   * The chain value at `seq`, hex (all zeros at seq 0): the chain of the seal whose batch ends at
   * `seq` (a checkpoint signs a durable seq, always a seal's last), or record `seq`'s own hash in a
   * format 2 journal.
   */
  readonly chain: string;
  /** Wall-clock milliseconds when it was signed. */
  readonly at: number;
  /**
   * Set on the checkpoint that starts a chain over records written before the chain existed: the
   * chain was computed from this seq (after the all-zero hash), when the journal was first opened
   * by a version that chains records.
   */
  readonly genesisFromSeq?: number;
  /** The signer's raw Ed25519 public key, base64. */
  readonly key: string;
  /** Ed25519 signature of {@link checkpointMessage}, base64. */
  readonly sig: string;
}

/** The exact bytes a checkpoint's signature covers. */
export function checkpointMessage(c: Omit<AuditCheckpoint, 'key' | 'sig' | 'v'>): Buffer {
  const genesis = c.genesisFromSeq === undefined ? '' : `genesis-from=${c.genesisFromSeq}\n`;
  return Buffer.from(
    `bourse-audit-checkpoint v1\nseq=${c.seq}\nchain=${c.chain}\nat=${c.at}\n${genesis}`,
  );
}

export function signCheckpoint(
  signer: AuditSigner,
  fields: { seq: number; chain: Uint8Array; at: number; genesisFromSeq?: number },
): AuditCheckpoint {
  const body = {
    seq: fields.seq,
    chain: Buffer.from(fields.chain).toString('hex'),
    at: fields.at,
    ...(fields.genesisFromSeq === undefined ? {} : { genesisFromSeq: fields.genesisFromSeq }),
  };
  const sig = signer.sign(checkpointMessage(body)).toString('base64');
  return { v: 1, ...body, key: signer.publicKey, sig };
}

/** Why a checkpoint's signature fails (for `trustedKey`, when given), or undefined when it holds. */
export function checkSignature(c: AuditCheckpoint, trustedKey?: string): string | undefined {
  if (trustedKey !== undefined && c.key !== trustedKey) {
    return `checkpoint at seq ${c.seq} is signed by another key than the one trusted`;
  }
  if (!verifySignature(c.key, checkpointMessage(c), c.sig)) {
    return `checkpoint at seq ${c.seq} has a signature that does not verify`;
  }
  return undefined;
}

/** A checkpoint from JSON text, or a message saying why it is not one. */
export function parseCheckpoint(text: string): AuditCheckpoint | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const c = value as Partial<AuditCheckpoint> | null;
  const ok =
    c !== null &&
    typeof c === 'object' &&
    c.v === 1 &&
    Number.isSafeInteger(c.seq) &&
    (c.seq as number) >= 0 &&
    typeof c.chain === 'string' &&
    /^[0-9a-f]+$/.test(c.chain) &&
    c.chain.length === CHAIN_BYTES * 2 &&
    Number.isSafeInteger(c.at) &&
    (c.genesisFromSeq === undefined || Number.isSafeInteger(c.genesisFromSeq)) &&
    typeof c.key === 'string' &&
    typeof c.sig === 'string';
  return ok ? (c as AuditCheckpoint) : 'not an audit checkpoint (v, seq, chain, at, key, sig)';
}

export interface CheckpointLog {
  readonly checkpoints: AuditCheckpoint[];
  /** Lines that are not checkpoints (a torn final line is not counted). */
  readonly unreadable: { line: number; message: string }[];
}

/** Every checkpoint in the journal directory's log, in file order. */
export function readCheckpoints(journalDir: string): CheckpointLog {
  let text: string;
  try {
    text = readFileSync(join(journalDir, CHECKPOINTS_FILE_NAME), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { checkpoints: [], unreadable: [] };
    throw error;
  }
  const lines = text.split('\n');
  const torn = lines.at(-1) !== '';
  const checkpoints: AuditCheckpoint[] = [];
  const unreadable: { line: number; message: string }[] = [];
  lines.forEach((line, i) => {
    if (line === '' || (torn && i === lines.length - 1)) return;
    const parsed = parseCheckpoint(line);
    if (typeof parsed === 'string') unreadable.push({ line: i + 1, message: parsed });
    else checkpoints.push(parsed);
  });
  return { checkpoints, unreadable };
}

const DSYNC: number = constants.O_DSYNC ?? 0;

/** Appends signed checkpoints to the log; each append is durable when it resolves. */
export class CheckpointWriter {
  readonly #signer: AuditSigner;
  readonly #path: string;
  #handle: Promise<FileHandle> | undefined;
  #lastSeq = -1;

  constructor(journalDir: string, signer: AuditSigner) {
    this.#signer = signer;
    this.#path = join(journalDir, CHECKPOINTS_FILE_NAME);
  }

  /** Seq of the last checkpoint this writer appended (-1 before the first). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  async write(fields: {
    seq: number;
    chain: Uint8Array;
    at: number;
    genesisFromSeq?: number;
  }): Promise<AuditCheckpoint> {
    const checkpoint = signCheckpoint(this.#signer, fields);
    this.#handle ??= open(
      this.#path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | DSYNC,
      PRIVATE_FILE_MODE,
    );
    const handle = await this.#handle;
    await handle.write(`${JSON.stringify(checkpoint)}\n`);
    if (DSYNC === 0) await handle.datasync();
    this.#lastSeq = Math.max(this.#lastSeq, fields.seq);
    return checkpoint;
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle !== undefined) await (await handle).close();
  }
}

/**
 * After an explicit repair cut the journal at `cutSeq`, the checkpoints that signed a cut record no
 * longer match, as they should: the log is renamed `<name>.<label>` (kept for the auditor, with the
 * repair's report) and a new one holds the checkpoints before the cut. Returns the old log's new
 * name, or undefined when no checkpoint reached the cut.
 */
export function setCheckpointsAside(
  journalDir: string,
  cutSeq: number,
  label: string,
): string | undefined {
  const { checkpoints } = readCheckpoints(journalDir);
  if (!checkpoints.some((c) => c.seq >= cutSeq)) return undefined;
  const path = join(journalDir, CHECKPOINTS_FILE_NAME);
  const aside = `${CHECKPOINTS_FILE_NAME}.${label}`;
  renameSync(path, join(journalDir, aside));
  const kept = checkpoints.filter((c) => c.seq < cutSeq).map((c) => `${JSON.stringify(c)}\n`);
  writeFileSync(path, kept.join(''), { mode: PRIVATE_FILE_MODE });
  return aside;
}
