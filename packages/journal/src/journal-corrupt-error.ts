// The one error the journal throws for damaged data: it names the segment file and the byte offset
// of the first record that cannot be trusted, so an operator can inspect or cut the file by hand.

/** Stable code carried by every {@link JournalCorruptError}. */
export const JOURNAL_CORRUPT = 'JOURNAL_CORRUPT';

export class JournalCorruptError extends Error {
  readonly code = JOURNAL_CORRUPT;
  /** Segment file name (no directory), e.g. `00000000000000000001.seg`. */
  readonly segment: string;
  /** Byte offset inside that file where the damage starts. */
  readonly offset: number;

  constructor(segment: string, offset: number, reason: string) {
    super(`journal corrupt in segment ${segment} at byte offset ${offset}: ${reason}`);
    this.name = 'JournalCorruptError';
    this.segment = segment;
    this.offset = offset;
  }
}
