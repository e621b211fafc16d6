// The offline audit of a journal directory (`bourse audit verify`): recomputes the SHA-256 chain over
// every kept record and checks it against the hash each batch's seal (format 3) or each record
// (format 2) stores, each segment header, each snapshot and every signed checkpoint, and names the
// first place it breaks (segment, offset, seq). A record changed, removed, inserted or reordered (its
// CRC recomputed) no longer matches its seal's manifest of CRCs, or no longer follows the record
// before it; one whose stored hashes were all rewritten too still no longer reaches the hash a
// checkpoint signed before the change. Read-only: it changes no file.
import { closeSync, fstatSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { type AuditCheckpoint, checkSignature, readCheckpoints } from './audit-checkpoints.ts';
import { walkSealedSegment } from './audit-walk-sealed.ts';
import { computeChain, GENESIS_CHAIN } from './journal-format.ts';
import { type ScanProblem, scanJournal, type SegmentSummary } from './journal-scan.ts';
import { readSegmentHeader, SegmentCursor } from './segment-cursor.ts';
import { SnapshotStore } from './snapshot-store.ts';

export type AuditProblemKind =
  /** The journal's structure (checksum, seq order, lost tail), as opening would refuse it. */
  | 'journal'
  /**
   * A record whose stored chain hash does not follow from the record before it (format 2), or that
   * its batch's seal does not list (format 3: its CRC differs from the manifest, or it is missing).
   */
  | 'record-chain'
  /**
   * A format 3 batch whose records all match its seal's manifest but whose hash is not the seal's:
   * a record was changed together with its manifest entry, or the seal rewritten.
   */
  | 'seal-chain'
  /** A segment header whose chain hash is not the previous segment's last. */
  | 'segment-chain'
  /** The chain at a checkpoint's seq is not the hash it signed. */
  | 'checkpoint-mismatch'
  /** A checkpoint signed a seq past the journal's end: records were removed from the end. */
  | 'checkpoint-beyond-end'
  /** A checkpoint whose signature fails, or that the trusted key did not sign. */
  | 'checkpoint-signature'
  /** A line of the checkpoint log that is not a checkpoint. */
  | 'checkpoint-unreadable'
  /** A snapshot records another chain hash than the journal has at its seq. */
  | 'snapshot-chain';

export interface AuditProblem {
  readonly kind: AuditProblemKind;
  readonly message: string;
  readonly segment?: string;
  readonly offset?: number;
  readonly seq?: number;
}

export interface AuditVerifyOptions {
  readonly journalDir: string;
  /** Snapshots to check against the chain (their recorded hash at their seq). */
  readonly snapshotsDir?: string;
  /** Checkpoints kept elsewhere (`--from-checkpoint`), checked with those of the log. */
  readonly checkpoints?: readonly AuditCheckpoint[];
  /** Only checkpoints signed by this raw Ed25519 public key (base64) are trusted. */
  readonly trustedKey?: string;
}

export interface AuditReport {
  ok: boolean;
  records: number;
  firstSeq: number;
  lastSeq: number;
  /** The chain was recomputed from the hash before this seq, taken from `chainStartSource`. */
  chainStartSeq: number;
  chainStartSource: 'genesis' | 'segment header' | 'format 1 genesis';
  /** Chain hash of the last record, hex. */
  headChain: string;
  checkpointsVerified: number;
  /** Checkpoints older than the oldest record kept (removed behind a snapshot): not checkable. */
  checkpointsBeforeStart: number;
  /** Newest checkpoint seq the chain reaches (0 for none). */
  newestCheckpointSeq: number;
  snapshotsVerified: number;
  problem?: AuditProblem;
}

interface Expectation {
  readonly chain: string;
  readonly what: string;
  readonly kind: 'checkpoint-mismatch' | 'snapshot-chain';
}

export function verifyAudit(opts: AuditVerifyOptions): AuditReport {
  const scan = scanJournal(opts.journalDir);
  const report: AuditReport = {
    ok: true,
    records: scan.records,
    firstSeq: scan.firstSeq,
    lastSeq: scan.lastSeq,
    chainStartSeq: 0,
    chainStartSource: 'genesis',
    headChain: Buffer.from(GENESIS_CHAIN).toString('hex'),
    checkpointsVerified: 0,
    checkpointsBeforeStart: 0,
    newestCheckpointSeq: 0,
    snapshotsVerified: 0,
  };
  const fail = (problem: AuditProblem): AuditReport => ({ ...report, ok: false, problem });
  const structural = scan.error === undefined ? undefined : journalProblem(scan.error);
  // A lost tail leaves every kept record readable: the chain may name an earlier cause first.
  if (structural !== undefined && scan.error?.kind !== 'lost-tail') return fail(structural);
  const collected = collectCheckpoints(opts);
  if ('problem' in collected) return fail(collected.problem);
  const expected = expectations(collected.checkpoints, opts.snapshotsDir);
  const walk = walkChain(opts.journalDir, scan.segments, expected, collected.checkpoints);
  Object.assign(report, walk.counts);
  if (walk.problem !== undefined) return fail(walk.problem);
  if (structural !== undefined) return fail(structural);
  const beyond = collected.checkpoints
    .filter((c) => c.seq > scan.lastSeq)
    .sort((a, b) => a.seq - b.seq)[0];
  if (beyond !== undefined) {
    return fail({
      kind: 'checkpoint-beyond-end',
      seq: scan.lastSeq + 1,
      message:
        `the journal ends at seq ${scan.lastSeq} but a checkpoint signed seq ${beyond.seq}: ` +
        `records ${scan.lastSeq + 1}..${beyond.seq} were removed`,
    });
  }
  return report;
}

function journalProblem(error: ScanProblem): AuditProblem {
  const { segment, offset, seq, message } = error;
  return { kind: 'journal', message, segment, offset, seq };
}

function collectCheckpoints(
  opts: AuditVerifyOptions,
): { checkpoints: AuditCheckpoint[] } | { problem: AuditProblem } {
  const log = readCheckpoints(opts.journalDir);
  const bad = log.unreadable[0];
  if (bad !== undefined) {
    return {
      problem: {
        kind: 'checkpoint-unreadable',
        message: `line ${bad.line} of the checkpoint log is ${bad.message}`,
      },
    };
  }
  const checkpoints = [...log.checkpoints, ...(opts.checkpoints ?? [])];
  for (const c of checkpoints) {
    const why = checkSignature(c, opts.trustedKey);
    if (why !== undefined)
      return { problem: { kind: 'checkpoint-signature', seq: c.seq, message: why } };
  }
  return { checkpoints };
}

/** What the chain must equal at given seqs: signed checkpoints and recorded snapshot hashes. */
function expectations(
  checkpoints: readonly AuditCheckpoint[],
  snapshotsDir: string | undefined,
): Map<number, Expectation[]> {
  const bySeq = new Map<number, Expectation[]>();
  const add = (seq: number, e: Expectation) => bySeq.set(seq, [...(bySeq.get(seq) ?? []), e]);
  for (const c of checkpoints) {
    add(c.seq, {
      chain: c.chain,
      what: `the checkpoint signed at ${new Date(c.at).toISOString()}`,
      kind: 'checkpoint-mismatch',
    });
  }
  if (snapshotsDir !== undefined) {
    for (const s of new SnapshotStore(snapshotsDir).newestFirst()) {
      if (s.chain === undefined) continue;
      add(s.seq, {
        chain: s.chain.toString('hex'),
        what: `the snapshot at seq ${s.seq}`,
        kind: 'snapshot-chain',
      });
    }
  }
  return bySeq;
}

export interface WalkCounts {
  records: number;
  chainStartSeq: number;
  chainStartSource: AuditReport['chainStartSource'];
  headChain: string;
  checkpointsVerified: number;
  checkpointsBeforeStart: number;
  newestCheckpointSeq: number;
  snapshotsVerified: number;
}

/** Where the recomputed chain starts: the segment to start at and the hash before it. */
function chainStart(
  dir: string,
  segments: readonly SegmentSummary[],
  checkpoints: readonly AuditCheckpoint[],
): { index: number; chain: Buffer; source: AuditReport['chainStartSource'] } {
  const first = segments[0];
  if (first === undefined) return { index: 0, chain: GENESIS_CHAIN, source: 'genesis' };
  if (first.layout.chained) {
    // From seq 1 the chain starts at the all-zero hash, whatever the header says.
    if (first.firstSeq === 1) return { index: 0, chain: GENESIS_CHAIN, source: 'genesis' };
    return { index: 0, chain: headerChain(dir, first), source: 'segment header' };
  }
  const genesis =
    first.firstSeq === 1 || checkpoints.some((c) => c.genesisFromSeq === first.firstSeq);
  if (genesis) return { index: 0, chain: GENESIS_CHAIN, source: 'format 1 genesis' };
  // Older format 1 records were removed: the chain is known only from the first chained segment.
  const index = segments.findIndex((s) => s.layout.chained);
  if (index < 0) return { index: segments.length, chain: GENESIS_CHAIN, source: 'segment header' };
  return { index, chain: headerChain(dir, segments[index]!), source: 'segment header' };
}

function walkChain(
  dir: string,
  segments: readonly SegmentSummary[],
  expected: Map<number, Expectation[]>,
  checkpoints: readonly AuditCheckpoint[],
): { counts: WalkCounts; problem?: AuditProblem } {
  const start = chainStart(dir, segments, checkpoints);
  const startSeq = segments[start.index]?.firstSeq ?? 1;
  const counts: WalkCounts = {
    records: 0,
    chainStartSeq: startSeq,
    chainStartSource: start.source,
    headChain: start.chain.toString('hex'),
    checkpointsVerified: 0,
    checkpointsBeforeStart: checkpoints.filter((c) => c.seq < startSeq - 1).length,
    newestCheckpointSeq: 0,
    snapshotsVerified: 0,
  };
  const state = { chain: start.chain, lastGoodCheckpoint: startSeq - 1 };
  const at = { segment: segments[start.index]?.name ?? '', offset: 0 };
  const check = (seq: number) => checkExpected(seq, state, expected, counts, at);
  const before = check(startSeq - 1);
  if (before !== undefined) return { counts, problem: before };
  for (let i = start.index; i < segments.length; i++) {
    const problem = walkSegment(dir, segments[i]!, state, counts, check);
    if (problem !== undefined) return { counts, problem };
  }
  counts.headChain = state.chain.toString('hex');
  return { counts };
}

function walkSegment(
  dir: string,
  segment: SegmentSummary,
  state: { chain: Buffer },
  counts: WalkCounts,
  check: (seq: number) => AuditProblem | undefined,
): AuditProblem | undefined {
  const { name, firstSeq } = segment;
  const fd = openSync(join(dir, name), 'r');
  try {
    const size = fstatSync(fd).size;
    const header = readSegmentHeader(fd, size, firstSeq);
    if (typeof header === 'string')
      return { kind: 'journal', segment: name, offset: 0, seq: firstSeq, message: header };
    if (header.prevChain !== undefined && !header.prevChain.equals(state.chain)) {
      return {
        kind: 'segment-chain',
        segment: name,
        offset: 0,
        seq: firstSeq,
        message:
          `segment ${name} says its first record follows chain hash ${header.prevChain.toString('hex')}, ` +
          `but the record before it ends the chain at ${state.chain.toString('hex')}: a record was ` +
          'removed, inserted or changed at this segment boundary',
      };
    }
    const cursor = new SegmentCursor(fd, size, firstSeq, header.layout);
    if (header.layout.sealed) {
      return walkSealedSegment({ name, lastSeq: segment.lastSeq }, cursor, state, counts, check);
    }
    for (
      let step = cursor.next();
      step === 'record' && cursor.seq <= segment.lastSeq;
      step = cursor.next()
    ) {
      const chain = computeChain(cursor.seq, state.chain, cursor.payloadView());
      if (header.layout.chained && !chain.equals(cursor.chainView())) {
        return recordProblem(name, cursor.offset, cursor.seq);
      }
      state.chain = chain;
      counts.records++;
      const problem = check(cursor.seq);
      if (problem !== undefined) return { ...problem, segment: name, offset: cursor.offset };
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

export function recordProblem(segment: string, offset: number, seq: number): AuditProblem {
  return {
    kind: 'record-chain',
    segment,
    offset,
    seq,
    message:
      `record seq ${seq} (segment ${segment}, offset ${offset}) does not follow the record before ` +
      'it: it was changed, or a record at or before it was removed, inserted or reordered',
  };
}

function checkExpected(
  seq: number,
  state: { chain: Buffer; lastGoodCheckpoint: number },
  expected: Map<number, Expectation[]>,
  counts: WalkCounts,
  at: { segment: string; offset: number },
): AuditProblem | undefined {
  const list = expected.get(seq);
  if (list === undefined) return undefined;
  const actual = state.chain.toString('hex');
  for (const e of list) {
    if (e.chain !== actual) {
      const since = state.lastGoodCheckpoint;
      const range = since + 1 === seq ? `record ${seq}` : `one of records ${since + 1}..${seq}`;
      return {
        kind: e.kind,
        seq,
        ...at,
        message:
          `the chain at seq ${seq} is ${actual} but ${e.what} says ${e.chain}: ${range} was ` +
          'changed, removed, inserted or reordered since',
      };
    }
    if (e.kind === 'checkpoint-mismatch') {
      counts.checkpointsVerified++;
      counts.newestCheckpointSeq = Math.max(counts.newestCheckpointSeq, seq);
      state.lastGoodCheckpoint = seq;
    } else {
      counts.snapshotsVerified++;
    }
  }
  return undefined;
}

function headerChain(dir: string, segment: SegmentSummary): Buffer {
  const fd = openSync(join(dir, segment.name), 'r');
  try {
    const header = readSegmentHeader(fd, fstatSync(fd).size, segment.firstSeq);
    return typeof header === 'string' || header.prevChain === undefined
      ? GENESIS_CHAIN
      : Buffer.from(header.prevChain);
  } finally {
    closeSync(fd);
  }
}
