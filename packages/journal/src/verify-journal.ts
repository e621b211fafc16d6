// Offline check of a journal directory for operators (`bourse journal verify`): reads every
// segment, changes nothing, and reports what opening would keep, cut or refuse.
import {
  type DurableFloor,
  type ProgressFn,
  type ScanProblem,
  scanJournal,
} from './journal-scan.ts';

export interface VerifyReport {
  /** False when opening would refuse the journal; a torn tail alone keeps it true. */
  ok: boolean;
  records: number;
  firstSeq: number;
  lastSeq: number;
  segments: number;
  /** Bytes past the last whole record that opening would truncate. */
  tornTailBytes: number;
  /** The journal's own durable mark (0 for a journal written before it had one). */
  highWaterSeq: number;
  /** The last stop was clean and nothing was lost or cut since. */
  cleanStop: boolean;
  error?: ScanProblem;
}

/** `durableFloor`: a seq known durable elsewhere (the newest snapshot's) the journal must reach. */
export function verifyJournal(
  dir: string,
  onProgress?: ProgressFn,
  durableFloor?: DurableFloor,
): VerifyReport {
  const scan = scanJournal(dir, {
    ...(onProgress === undefined ? {} : { onProgress }),
    ...(durableFloor === undefined ? {} : { durableFloor }),
  });
  const report: VerifyReport = {
    ok: scan.error === undefined,
    records: scan.records,
    firstSeq: scan.firstSeq,
    lastSeq: scan.lastSeq,
    segments: scan.segmentFiles,
    tornTailBytes: scan.tornTailBytes,
    highWaterSeq: scan.highWater?.seq ?? 0,
    cleanStop: scan.cleanStop,
  };
  if (scan.error !== undefined) report.error = { ...scan.error };
  return report;
}
