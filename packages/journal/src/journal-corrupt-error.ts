// The one error the journal throws for damaged data: it names the segment file and the byte offset
// of the first record that cannot be trusted, and the seq that record should carry, so an operator
// can inspect the file or cut the journal there (`repairJournal`).
import type { DamageKind, ScanProblem } from './journal-scan.ts';

/** Stable code carried by every {@link JournalCorruptError}. */
export const JOURNAL_CORRUPT = 'JOURNAL_CORRUPT';

export class JournalCorruptError extends Error {
  readonly code = JOURNAL_CORRUPT;
  /** Segment file name (no directory), e.g. `00000000000000000001.seg`. */
  readonly segment: string;
  /** Byte offset inside that file where the damage starts. */
  readonly offset: number;
  /** What was found; undefined where a reader met damage outside a full scan. */
  readonly kind: DamageKind | undefined;
  /** Seq of the first record that is damaged or missing (every record before it is intact). */
  readonly seq: number | undefined;

  constructor(
    segment: string,
    offset: number,
    reason: string,
    detail: { kind?: DamageKind; seq?: number } = {},
  ) {
    const at = detail.seq === undefined ? '' : ` (seq ${detail.seq})`;
    super(`journal corrupt in segment ${segment} at byte offset ${offset}${at}: ${reason}`);
    this.name = 'JournalCorruptError';
    this.segment = segment;
    this.offset = offset;
    this.kind = detail.kind;
    this.seq = detail.seq;
  }

  static from(problem: ScanProblem): JournalCorruptError {
    return new JournalCorruptError(problem.segment, problem.offset, problem.message, problem);
  }
}
