// The audit of a stopped (or running) data directory for `bourse audit`: the journal's chain checked
// against its stored hashes, its snapshots and every signed checkpoint (the log's and any kept
// elsewhere), trusting the key given or else the data directory's own; and the operator's public key
// and newest checkpoint, printed for safekeeping outside the data directory.
import { existsSync, readFileSync } from 'node:fs';
import {
  type AuditCheckpoint,
  type AuditReport,
  keyFingerprint,
  loadOrCreateAuditKey,
  parseCheckpoint,
  publicKeyFromPem,
  publicKeyPem,
  readCheckpoints,
  verifyAudit,
} from '@bourse/journal';
import { CoreError } from './core-error.ts';
import { dataDirLayout } from './data-dir.ts';

export interface DataDirAudit {
  readonly report: AuditReport;
  /** Fingerprint of the key checkpoints were checked against, and where it came from. */
  readonly trusted: { fingerprint: string; source: 'given' | 'data directory' } | undefined;
}

/**
 * Verifies the data directory's audit trail. `checkpointTexts`: checkpoints kept elsewhere (JSON, one
 * per line); `publicKeyPem`: the only key to trust (else the data directory's own, when it has one).
 */
export function auditDataDir(
  dir: string,
  opts: { checkpointTexts?: readonly string[]; publicKeyPem?: string } = {},
): DataDirAudit {
  const layout = dataDirLayout(dir);
  if (!existsSync(layout.journalDir)) {
    throw new CoreError('DATA_DIR_INCONSISTENT', `${dir} holds no journal`);
  }
  const checkpoints: AuditCheckpoint[] = [];
  for (const text of opts.checkpointTexts ?? []) {
    for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
      const parsed = parseCheckpoint(line);
      if (typeof parsed === 'string') {
        throw new CoreError('INVALID_COMMAND', `a checkpoint given is ${parsed}`);
      }
      checkpoints.push(parsed);
    }
  }
  const trusted = trustedKey(layout.auditKeyPath, opts.publicKeyPem);
  const report = verifyAudit({
    journalDir: layout.journalDir,
    snapshotsDir: layout.snapshotsDir,
    checkpoints,
    ...(trusted === undefined ? {} : { trustedKey: trusted.raw }),
  });
  return {
    report,
    trusted: trusted && { fingerprint: keyFingerprint(trusted.raw), source: trusted.source },
  };
}

function trustedKey(
  keyPath: string,
  given: string | undefined,
): { raw: string; source: 'given' | 'data directory' } | undefined {
  if (given !== undefined) return { raw: publicKeyFromPem(given), source: 'given' };
  if (!existsSync(keyPath)) return undefined;
  return { raw: publicKeyFromPem(readFileSync(keyPath, 'utf8')), source: 'data directory' };
}

/** The operator's public key (created with the key on first use): SPKI PEM and fingerprint. */
export function auditPublicKey(dir: string): {
  pem: string;
  fingerprint: string;
  created: boolean;
} {
  const layout = dataDirLayout(dir);
  const created = !existsSync(layout.auditKeyPath);
  const signer = loadOrCreateAuditKey(layout.auditKeyPath);
  return {
    pem: publicKeyPem(signer.publicKey),
    fingerprint: keyFingerprint(signer.publicKey),
    created,
  };
}

/** The newest checkpoint of the data directory's log (by seq), for export; undefined without one. */
export function newestCheckpoint(dir: string): AuditCheckpoint | undefined {
  const { checkpoints } = readCheckpoints(dataDirLayout(dir).journalDir);
  return checkpoints.reduce<AuditCheckpoint | undefined>(
    (a, c) => (a === undefined || c.seq >= a.seq ? c : a),
    undefined,
  );
}
