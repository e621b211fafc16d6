// Offline check of a journal directory for operators (`bourse journal verify`): reads every
// segment, changes nothing, and reports what opening would keep, cut or refuse.
import { type ProgressFn, scanJournal } from './journal-scan.ts';

export interface VerifyReport {
  /** False when opening would refuse the journal; a torn tail alone keeps it true. */
  ok: boolean;
  records: number;
  firstSeq: number;
  lastSeq: number;
  segments: number;
  /** Bytes past the last whole record that opening would truncate. */
  tornTailBytes: number;
  error?: { segment: string; offset: number; message: string };
}

export function verifyJournal(dir: string, onProgress?: ProgressFn): VerifyReport {
  const scan = scanJournal(dir, onProgress);
  const report: VerifyReport = {
    ok: scan.error === undefined,
    records: scan.records,
    firstSeq: scan.firstSeq,
    lastSeq: scan.lastSeq,
    segments: scan.segmentFiles,
    tornTailBytes: scan.tornTailBytes,
  };
  if (scan.error !== undefined) report.error = { ...scan.error };
  return report;
}
