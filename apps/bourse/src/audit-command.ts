// `bourse audit verify|key|checkpoint`: proves a data directory's journal unchanged since signed
// checkpoints (naming the first record that breaks the chain), prints the operator's public key, and
// prints the newest checkpoint so a copy can be kept outside the data directory.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { auditDataDir, auditPublicKey, newestCheckpoint } from '@bourse/core';

export const AUDIT_HELP = `Usage: bourse audit <verify|key|checkpoint> --data-dir D [options]

  verify      Recompute the journal's SHA-256 chain and check it against every record's stored
              hash, the segment headers, the snapshots and every signed checkpoint; names the
              first bad record (segment, offset, seq). Exit code 0 when intact, 1 when not.
      --from-checkpoint F   a checkpoint kept outside the data directory (JSON; repeatable)
      --public-key P        trust only checkpoints signed by this key (SPKI PEM); default: the
                            data directory's own key
  key         Print the operator's public key (SPKI PEM) and its fingerprint; the key pair is
              created (audit-key.pem, 0600) if the data directory has none yet
  checkpoint  Print the newest signed checkpoint as JSON, to keep elsewhere for --from-checkpoint

Works on a stopped or running data directory and changes nothing (except creating the key).
`;

export async function auditCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string', default: './data' },
      'from-checkpoint': { type: 'string', multiple: true },
      'public-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const dataDir = resolve(values['data-dir']);
  if (values.help === true || sub === '--help' || sub === '-h') {
    process.stdout.write(AUDIT_HELP);
    return 0;
  }
  switch (sub) {
    case 'verify':
      return verify(dataDir, values['from-checkpoint'] ?? [], values['public-key']);
    case 'key': {
      const key = auditPublicKey(dataDir);
      if (key.created) process.stderr.write(`created the audit key in ${dataDir}\n`);
      process.stdout.write(`${key.pem}fingerprint: ${key.fingerprint}\n`);
      return 0;
    }
    case 'checkpoint': {
      const newest = newestCheckpoint(dataDir);
      if (newest === undefined) {
        process.stderr.write(`${dataDir} has no audit checkpoint yet (the server writes them)\n`);
        return 1;
      }
      process.stdout.write(`${JSON.stringify(newest)}\n`);
      return 0;
    }
    default:
      process.stderr.write(AUDIT_HELP);
      return 2;
  }
}

function verify(
  dataDir: string,
  checkpointFiles: string[],
  publicKeyFile: string | undefined,
): number {
  const { report, trusted } = auditDataDir(dataDir, {
    checkpointTexts: checkpointFiles.map((f) => readFileSync(f, 'utf8')),
    ...(publicKeyFile === undefined ? {} : { publicKeyPem: readFileSync(publicKeyFile, 'utf8') }),
  });
  const key =
    trusted === undefined
      ? 'no key (the data directory has none and none was given): signatures checked, signer not'
      : `${trusted.fingerprint} (${trusted.source === 'given' ? 'given' : "the data directory's own"})`;
  process.stdout.write(
    `journal: ${report.records} records chained, seq ${report.chainStartSeq}..${report.lastSeq} ` +
      `(chain from the ${report.chainStartSource})\n` +
      `head: seq ${report.lastSeq} chain ${report.headChain}\n` +
      `checkpoints: ${report.checkpointsVerified} verified, newest at seq ${report.newestCheckpointSeq}` +
      (report.checkpointsBeforeStart > 0
        ? `, ${report.checkpointsBeforeStart} older than the oldest record kept (not checkable)`
        : '') +
      `\nsnapshots: ${report.snapshotsVerified} verified\ntrusted key: ${key}\n`,
  );
  const p = report.problem;
  if (p === undefined) {
    process.stdout.write('ok: no record was changed, removed, inserted or reordered\n');
    return 0;
  }
  const where = p.segment === undefined ? '' : ` at ${p.segment} offset ${p.offset}`;
  const seq = p.seq === undefined ? '' : `, seq ${p.seq}`;
  process.stdout.write(`TAMPERED (${p.kind})${where}${seq}: ${p.message}\n`);
  return 1;
}
