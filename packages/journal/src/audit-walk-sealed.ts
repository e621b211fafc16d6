// The audit's walk over one format 3 segment: each batch's record frames are hashed as they are
// read and, at the batch's seal, checked against it: every record's CRC against the seal's manifest
// (the first that differs is the record named), the records' count and seqs against the seal's, then
// the batch's SHA-256 against the seal's chain value (decision 0112).
import { BatchHasher, parseSeal, type SealView } from './batch-seal.ts';
import type { AuditProblem, WalkCounts } from './audit-verify.ts';
import type { SegmentCursor } from './segment-cursor.ts';

/** The records read since the last seal: their CRCs and offsets. */
interface OpenBatch {
  firstSeq: number;
  crcs: number[];
  offsets: number[];
}

export function walkSealedSegment(
  segment: { readonly name: string; readonly lastSeq: number },
  cursor: SegmentCursor,
  state: { chain: Buffer },
  counts: WalkCounts,
  check: (seq: number) => AuditProblem | undefined,
): AuditProblem | undefined {
  const { name } = segment;
  cursor.reportSeals = true;
  const hasher = new BatchHasher();
  let batch: OpenBatch = { firstSeq: cursor.expectedSeq, crcs: [], offsets: [] };
  for (let step = cursor.next(); step === 'record' || step === 'seal'; step = cursor.next()) {
    if (step === 'record') {
      // Records after the last seal of the journal are a torn tail the scan already set aside.
      if (cursor.seq > segment.lastSeq) return undefined;
      const frame = cursor.frameView();
      hasher.addRecordFrame(frame);
      batch.crcs.push(frame.readUInt32LE(4));
      batch.offsets.push(cursor.offset);
      continue;
    }
    const sealAt = cursor.offset;
    const seal = parseSeal(Buffer.from(cursor.sealView()));
    if (typeof seal === 'string') {
      return { kind: 'journal', segment: name, offset: sealAt, seq: batch.firstSeq, message: seal };
    }
    const mismatch = batchMismatch(name, sealAt, seal, batch);
    if (mismatch !== undefined) return mismatch;
    const chain = hasher.finish(seal, state.chain);
    if (!chain.equals(seal.chain)) return sealProblem(name, sealAt, batch.firstSeq, seal.lastSeq);
    state.chain = chain;
    for (let seq = batch.firstSeq; seq <= seal.lastSeq; seq++) {
      counts.records++;
      const problem = check(seq);
      if (problem !== undefined) return { ...problem, segment: name, offset: sealAt };
    }
    batch = { firstSeq: seal.lastSeq + 1, crcs: [], offsets: [] };
  }
  return undefined;
}

/** The first record of the batch its seal does not list as it is, if any. */
function batchMismatch(
  name: string,
  sealAt: number,
  seal: SealView,
  batch: OpenBatch,
): AuditProblem | undefined {
  const n = batch.crcs.length;
  const listed = Math.min(n, seal.count);
  let bad = -1;
  for (let i = 0; i < listed && bad < 0; i++) if (batch.crcs[i] !== seal.manifestCrc(i)) bad = i;
  const lastSeq = batch.firstSeq + n - 1;
  if (bad < 0 && n === seal.count && seal.lastSeq === lastSeq && n > 0) return undefined;
  if (bad < 0) bad = listed;
  const seq = batch.firstSeq + bad;
  const offset = batch.offsets[bad] ?? sealAt;
  const sealed = `${seal.lastSeq - seal.count + 1}..${seal.lastSeq}`;
  return {
    kind: 'record-chain',
    segment: name,
    offset,
    seq,
    message:
      `record seq ${seq} (segment ${name}, offset ${offset}) does not match the seal of its batch ` +
      `(offset ${sealAt}, sealing seqs ${sealed} over ${seal.count} records where ${n} precede ` +
      'it): the record was changed, or a record or seal at or before it was removed, inserted or ' +
      'reordered',
  };
}

function sealProblem(
  name: string,
  sealAt: number,
  firstSeq: number,
  lastSeq: number,
): AuditProblem {
  return {
    kind: 'seal-chain',
    segment: name,
    offset: sealAt,
    seq: firstSeq,
    message:
      `the seal at offset ${sealAt} of segment ${name} does not follow the chain before it: one of ` +
      `records ${firstSeq}..${lastSeq} was changed together with its entry in the seal, or the ` +
      'seal or one before it was rewritten',
  };
}
